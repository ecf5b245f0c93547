"""XML helpers shared by the exporters and importers (lxml, imported where used).

- :func:`append_html` copies the sanitized HTML fragment of :func:`toolkit.markup.to_html` into
  an XML element (QTI bodies are XHTML in the QTI namespace), keeping only allowlisted tags and
  attributes.
- :func:`serialize` writes deterministic, indented UTF-8 XML without disturbing mixed content
  or preformatted text.
- :func:`parse_untrusted` parses files to import: no entity expansion, no network, no DTD.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..diagnostics import Diagnostic, Severity
from ..errors import DataError

XML_NS = "http://www.w3.org/XML/1998/namespace"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

BLOCK_CONTAINERS = frozenset({"ul", "ol", "table", "thead", "tbody", "tr", "blockquote", "div"})
"""Elements whose children may be indented; in every other element text is significant."""

QTI_HTML_ATTRIBUTES: Mapping[str, frozenset[str]] = {
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt"}),
    "code": frozenset({"class"}),
}
"""HTML attributes kept in QTI bodies (others, e.g. table alignment, are not in QTI's XHTML)."""

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

MAX_XML_BYTES = 50_000_000


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (control characters)."""
    return _NOT_XML.sub("", text)


def append_html(
    parent: Any,
    html: str,
    ns: str,
    attributes: Mapping[str, frozenset[str]] = QTI_HTML_ATTRIBUTES,
) -> None:
    """Append the HTML fragment ``html`` to ``parent`` as elements in namespace ``ns``."""
    import lxml.html
    from lxml import etree

    if not html.strip():
        return
    frag = lxml.html.fragment_fromstring(html, create_parent="div")
    for a in frag.xpath("//a[not(@href)]"):  # a link whose address was unsafe: keep its text
        a.drop_tag()

    def add_text(target: Any, text: str | None, after: Any | None) -> None:
        if not text:
            return
        text = xml_text(text)
        if after is None:
            target.text = (target.text or "") + text
        else:
            after.tail = (after.tail or "") + text

    def copy(src: Any, dst: Any) -> None:
        add_text(dst, src.text, dst[-1] if len(dst) else None)
        for child in src:
            if not isinstance(child.tag, str):  # comments, processing instructions
                add_text(dst, child.tail, dst[-1] if len(dst) else None)
                continue
            tag = child.tag.lower()
            el = etree.SubElement(dst, f"{{{ns}}}{tag}")
            for name in sorted(attributes.get(tag, ())):
                value = child.get(name)
                if value is not None:
                    el.set(name, xml_text(value))
            if tag == "img" and el.get("alt") is None:
                el.set("alt", "")
            copy(child, el)
            if tag not in BLOCK_CONTAINERS and len(el) and el.text is None:
                el.text = ""  # keeps the serializer from indenting inside mixed content
            add_text(dst, child.tail, el)

    copy(frag, parent)
    if len(parent) and parent.text is None and parent.tag.split("}")[-1] not in BLOCK_CONTAINERS:
        parent.text = ""


def serialize(root: Any, *, doctype: str | None = None) -> bytes:
    """Indented UTF-8 XML with a declaration; the same tree gives the same bytes."""
    from lxml import etree

    body = etree.tostring(root, encoding="UTF-8", pretty_print=True, doctype=doctype)
    if body.startswith(b"<?xml"):  # lxml writes a declaration itself when given a doctype
        body = body.split(b"?>", 1)[1].lstrip(b"\n")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def parse_untrusted(data: bytes, where: str) -> Any:
    """Parse an XML file to import. Entities are not expanded, nothing is fetched, and a
    document with a DTD (the carrier of entity and external-reference attacks) is refused."""
    from lxml import etree

    def bad(msg: str, line: int = 0) -> DataError:
        return DataError(msg, [Diagnostic(where, line, 0, "X101", Severity.ERROR, msg)])

    if len(data) > MAX_XML_BYTES:
        raise bad(f"the XML file is larger than {MAX_XML_BYTES // 1_000_000} MB")
    if re.search(rb"<!DOCTYPE|<!ENTITY", data[:100_000], re.IGNORECASE):
        raise bad("the XML file declares a DOCTYPE or entities; they are refused for safety")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        raise bad(f"not well-formed XML: {exc.msg}", line) from None
    if root.getroottree().docinfo.doctype:
        raise bad("the XML file declares a DOCTYPE; it is refused for safety")
    return root


def local(tag: Any) -> str:
    """The local name of an element tag (``{ns}name`` -> ``name``)."""
    return tag.split("}", 1)[-1] if isinstance(tag, str) else ""
