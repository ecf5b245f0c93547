"""Print (``--format booklet``): the candidate booklet and the staff answer key, as HTML with
print CSS, and as PDF where WeasyPrint is installed."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..markup import to_html
from ..vocab import Exposure
from . import exporter
from .delivery import Delivery

if TYPE_CHECKING:
    import jinja2


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("toolkit.exchange", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def pdf_engine() -> Any | None:
    """WeasyPrint's ``HTML`` class when WeasyPrint (and its system libraries) can be loaded."""
    try:
        from weasyprint import HTML  # type: ignore[import-not-found]
    except (ImportError, OSError):  # not installed, or Pango/cairo missing
        return None
    return HTML


def _html(delivery: Delivery, item: Any, text: str, inline: bool = False) -> Any:
    from markupsafe import Markup

    src = delivery.asset_src(item)
    # sanitized by toolkit.markup (nh3 allowlist), so it may be inserted as markup
    return Markup(to_html(text, inline=inline, rewrite_src=lambda s: src.get(s, s)))


def render_booklet(delivery: Delivery) -> str:
    """The candidate booklet: numbered items and options; no keys, rationales or item ids."""
    sections = [
        {
            "title": s.title,
            "questions": [
                {
                    "number": delivery.numbers[it.id],
                    "stem": _html(delivery, it, it.stem),
                    "options": [
                        {"label": o.id, "text": _html(delivery, it, o.text, True)}
                        for o in it.options
                    ],
                }
                for it in s.items
            ],
        }
        for s in delivery.sections
    ]
    return (
        _env()
        .get_template("booklet.html.j2")
        .render(title=delivery.title, count=len(delivery.items), sections=sections)
    )


def render_answer_key(delivery: Delivery) -> str:
    """The staff answer key: keys and rationales, under a confidentiality banner."""
    questions = [
        {
            "number": delivery.numbers[it.id],
            "id": it.id,
            "version": it.version,
            "goal": it.learning_goal,
            "exposure": it.exposure,
            "key": ", ".join(it.key),
            "stem": _html(delivery, it, it.stem),
            "options": [
                {
                    "label": o.id,
                    "correct": o.correct,
                    "text": _html(delivery, it, o.text, True),
                    "rationale": _html(delivery, it, o.rationale),
                }
                for o in it.options
            ],
        }
        for it in delivery.items
    ]
    secure = sum(1 for it in delivery.items if it.exposure != Exposure.PUBLIC)
    return (
        _env()
        .get_template("answer-key.html.j2")
        .render(title=delivery.title, questions=questions, secure=secure)
    )


@exporter("booklet", container="dir", options={"pdf": True})
def booklet(delivery: Delivery, options: Mapping[str, Any]) -> dict[str, bytes]:
    """Print version: `booklet.html` for candidates (items numbered 1..n with options A, B, ...;
    no keys, rationales or item ids; print CSS with a page break per section and no break
    inside an item) and `answer-key.html` for staff (a CONFIDENTIAL banner, the key table, and
    every option with its rationale), with images under `assets/`.

    With `pdf` (default) and WeasyPrint installed (`pip install 'qbank[pdf]'`, which needs the
    Pango library of the system), `booklet.pdf` and `answer-key.pdf` are written too.
    """
    files = {
        "booklet.html": render_booklet(delivery).encode("utf-8"),
        "answer-key.html": render_answer_key(delivery).encode("utf-8"),
    }
    for a in delivery.assets:
        files[a.name] = a.data
    engine = pdf_engine() if options["pdf"] else None
    if engine is not None:
        for name in ("booklet", "answer-key"):
            files[f"{name}.pdf"] = _pdf(engine, files[f"{name}.html"], files)
    return files


BASE = "file:///qbank-export/"


def _pdf(engine: Any, html: bytes, files: Mapping[str, bytes]) -> bytes:
    """Render with WeasyPrint; packaged images are served from memory, nothing else is
    fetched (remote images are left out of the PDF)."""

    try:  # recent WeasyPrint (70) wants a response object, older a dict
        from weasyprint.urls import URLFetcherResponse  # type: ignore[import-not-found]
    except ImportError:
        URLFetcherResponse = None

    def fetch(url: str) -> Any:
        name = url[len(BASE) :] if url.startswith(BASE) else ""
        if name not in files:
            raise ValueError(f"not fetched: {url}")
        if URLFetcherResponse is not None:
            return URLFetcherResponse(url, body=files[name])
        return {"string": files[name], "mime_type": None}

    doc = engine(string=html.decode("utf-8"), base_url=BASE, url_fetcher=fetch)
    return bytes(doc.write_pdf())
