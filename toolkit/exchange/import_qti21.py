"""Import QTI 2.1 (``qbank import FILE --format qti21``): a content package (zip) or one
``assessmentItem`` file."""

from __future__ import annotations

from typing import Any

from ..diagnostics import Diagnostic
from . import importer
from .importing import ImportedItem, ImportedOption, Limits, html_to_markdown, problem, read_zip
from .xmlutil import local, parse_untrusted


@importer("qti21")
def import_qti21(
    data: bytes, source: str, limits: Limits
) -> tuple[list[ImportedItem], list[Diagnostic]]:
    """QTI 2.1 (also 2.2) `choiceInteraction` items from a content package or a single item
    file: the item body before the interaction is the stem, each `simpleChoice` an option, the
    `correctResponse` the key(s), and `modalFeedback` per choice the rationales. The learning
    goal and tags come from the manifest metadata where present (qbank's own packages carry
    them). Items with other interactions are skipped and reported.
    """
    if data[:2] == b"PK":
        files = read_zip(data, source, limits)
    else:
        files = {"item.xml": data}
    meta = _manifest_metadata(files, source) if "imsmanifest.xml" in files else {}
    items: list[ImportedItem] = []
    skipped: list[Diagnostic] = []
    # in the manifest's order (qbank writes the items in delivery order), then the rest
    order = {name: n for n, name in enumerate(meta)}
    for name in sorted(files, key=lambda f: (order.get(f, len(order)), f)):
        if not name.endswith(".xml") or name == "imsmanifest.xml":
            continue
        where = f"{source}:{name}" if len(files) > 1 or name != "item.xml" else source
        root = parse_untrusted(files[name], where)
        if local(root.tag) != "assessmentItem":
            continue
        got = _item(root, where, meta.get(name, {}))
        if isinstance(got, str):
            skipped.append(problem(where, got))
        else:
            items.append(got)
    return items, skipped


def _children(el: Any, name: str) -> list[Any]:
    return [c for c in el if local(c.tag) == name]


def _find(el: Any, name: str) -> Any | None:
    for c in el.iter():
        if local(c.tag) == name:
            return c
    return None


def inner_html(el: Any) -> str:
    """The content of ``el`` as HTML without namespaces."""
    import copy
    import html

    from lxml import etree

    parts = [html.escape(el.text or "", quote=False)]
    for child in el:
        c = copy.deepcopy(child)
        for node in c.iter():
            if isinstance(node.tag, str):
                node.tag = local(node.tag)
                for key in list(node.attrib):
                    if key.startswith("{"):
                        del node.attrib[key]
        etree.cleanup_namespaces(c)
        parts.append(etree.tostring(c, method="html", encoding="unicode", with_tail=False))
        parts.append(html.escape(child.tail or "", quote=False))
    return "".join(parts)


def _item(root: Any, where: str, meta: dict[str, Any]) -> ImportedItem | str:
    title = root.get("identifier") or where
    ci = _find(root, "choiceInteraction")
    if ci is None:
        return f"{title}: not imported: only choiceInteraction items are supported"
    rid = ci.get("responseIdentifier")
    key: set[str] = set()
    card = "single"
    for rd in _children(root, "responseDeclaration"):
        if rd.get("identifier") == rid:
            card = rd.get("cardinality", "single")
            cr = _find(rd, "correctResponse")
            if cr is not None:
                key = {(v.text or "").strip() for v in _children(cr, "value")}
    body = _find(root, "itemBody")
    stem_parts = []
    if body is not None:
        prompt = _find(ci, "prompt")
        for child in body:
            if child is ci or _find(child, "choiceInteraction") is not None:
                break
            stem_parts.append(inner_html(child) if _is_wrapper(child) else _outer(child))
        if prompt is not None:
            stem_parts.append(f"<p>{inner_html(prompt)}</p>")
    feedback = {
        mf.get("identifier"): inner_html(mf)
        for mf in root.iter()
        if local(mf.tag) == "modalFeedback"
    }
    options = tuple(
        ImportedOption(
            html_to_markdown(inner_html(sc)),
            sc.get("identifier") in key,
            html_to_markdown(feedback.get(sc.get("identifier"), "")),
        )
        for sc in ci
        if local(sc.tag) == "simpleChoice"
    )
    return ImportedItem(
        where,
        title,
        html_to_markdown("".join(stem_parts)),
        options,
        card == "multiple",
        meta.get("goal"),
        tuple(meta.get("tags", ())),
    )


def _is_wrapper(el: Any) -> bool:
    """qbank writes the stem in ``<div class="stem">``; unwrap it."""
    return local(el.tag) == "div" and el.get("class") == "stem"


def _outer(el: Any) -> str:
    from lxml import etree

    holder = etree.Element("x")
    import copy

    holder.append(copy.deepcopy(el))
    holder[0].tail = None
    return inner_html(holder)


def _manifest_metadata(files: dict[str, bytes], source: str) -> dict[str, dict[str, Any]]:
    """Learning goal (classification taxon id) and tags (keywords) per item file."""
    root = parse_untrusted(files["imsmanifest.xml"], f"{source}:imsmanifest.xml")
    out: dict[str, dict[str, Any]] = {}
    for res in root.iter():
        if local(res.tag) != "resource" or not res.get("href"):
            continue
        goal = None
        tags: list[str] = []
        for el in res.iter():
            name = local(el.tag)
            if name == "taxon":
                tid = _find(el, "id")
                if tid is not None and tid.text:
                    goal = tid.text.strip()
            elif name == "keyword":
                tags += [
                    t.text.strip() for t in el.iter() if t is not el and t.text and t.text.strip()
                ]
        out[res.get("href")] = {"goal": goal, "tags": tags}
    return out
