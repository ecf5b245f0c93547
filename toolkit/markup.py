"""The one Markdown-to-HTML conversion of item text, for every output (exports, booklets, the
documentation site).

Item text is untrusted Markdown. :func:`to_html` converts it with Python-Markdown (fenced code
blocks and tables on) after switching off Markdown's raw-HTML pass-through, so that text such as
``latency < 100 ms``, ``List<int>`` or ``<script>`` is shown as written, never interpreted. The
result is then cleaned by nh3 (the Rust ``ammonia`` sanitizer) with an allowlist of tags,
attributes and URL schemes, as a second line of defence (``javascript:`` links, event
attributes). The output is an HTML fragment; :mod:`toolkit.exchange.xmlutil` turns it into XML
elements for QTI.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import markdown

ALLOWED_TAGS = frozenset(
    {
        "a",
        "blockquote",
        "br",
        "code",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
"""Tags Markdown produces for item text; anything else is removed by the sanitizer."""

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


@lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    import markdown

    md = markdown.Markdown(
        extensions=["fenced_code", "tables"],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )
    # Raw HTML in item text is text, not markup: without these two processors Python-Markdown
    # escapes `<` and `>` like any other character (code spans and blocks are escaped anyway).
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def _sanitize(html: str, rewrite_src: Callable[[str], str | None] | None) -> str:
    import nh3

    def attribute_filter(tag: str, attr: str, value: str) -> str | None:
        if tag == "img" and attr == "src" and rewrite_src is not None:
            return rewrite_src(value)
        return value

    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
        attribute_filter=attribute_filter,
    )


def to_html(
    text: str, *, inline: bool = False, rewrite_src: Callable[[str], str | None] | None = None
) -> str:
    """Item Markdown as a sanitized HTML fragment.

    ``inline``: for short texts such as options, drop the ``<p>`` around a single paragraph.
    ``rewrite_src``: maps each image source to the address it has in the output (e.g. the
    packaged asset); returning ``None`` drops the attribute.
    """
    md = _converter()
    md.reset()
    html = md.convert(text)
    html = _sanitize(html, rewrite_src).strip()
    if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


def image_sources(text: str) -> list[str]:
    """The image sources an item text refers to, in order of appearance, without repeats."""
    found: list[str] = []

    def note(src: str) -> str:
        if src not in found:
            found.append(src)
        return src

    to_html(text, rewrite_src=note)
    return found


def is_remote(src: str) -> bool:
    """True for absolute URLs (``https://...``); those are referenced, not packaged."""
    return "://" in src or src.startswith(("//", "data:", "mailto:"))
