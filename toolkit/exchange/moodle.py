"""Moodle XML (``--format moodle``)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from ..vocab import ItemType
from . import exporter
from .delivery import Delivery, includes_rationales
from .grades import choice_fractions
from .xmlutil import serialize, xml_text


@exporter(
    "moodle",
    container="file",
    options={"partial_credit": True, "negative_marking": True, "feedback": "public"},
)
def moodle(delivery: Delivery, options: Mapping[str, Any]) -> dict[str, bytes]:
    """Moodle XML question file: one `multichoice` question per item (`single` true for
    multiple_choice, false for multiple_select), preceded by a category question whenever the
    domain/topic changes (`$course$/top/<exam> <form>/Domain d: .../Topic d.t: ...`), with the
    item id as `idnumber` and its tags, plus `goal-<learning goal>`, as Moodle tags. Text is HTML from the shared Markdown
    conversion; images are embedded as base64 files (`@@PLUGINFILE@@`).

    Grades come only from Moodle's accepted list: a key of a multiple_select item is worth
    100/select %, and with `negative_marking` (default) each wrong choice takes back as much
    (Moodle floors the question at 0), so that ticking every box earns nothing. With
    `partial_credit = false` multiple_select items are written as `multichoiceset` (the
    All-or-Nothing question type, a Moodle plugin that must be installed). `feedback`
    (`public`, `all`, `none`) says whose rationales become per-answer feedback.
    """
    from lxml import etree

    quiz = etree.Element("quiz")
    bank = f"{delivery.blueprint.exam.code} {delivery.id}"
    current: tuple[str, str] | None = None
    for item in delivery.items:
        cat = delivery.category(item)
        if cat != current:
            current = cat
            q = etree.SubElement(quiz, "question", type="category")
            # a slash inside a category name is written doubled
            path = "/".join(["$course$/top", *(p.replace("/", "//") for p in (bank, *cat))])
            _text(etree.SubElement(q, "category"), path)
            _text(etree.SubElement(q, "info", format="html"), "")
        quiz.append(_question(delivery, item, options))
    return {f"{delivery.id}.xml": serialize(quiz)}


def _text(parent: Any, text: str) -> Any:
    from lxml import etree

    el = etree.SubElement(parent, "text")
    el.text = xml_text(text)
    return el


def _html(parent: Any, tag: str, delivery: Delivery, item: Any, markdown: str, inline: bool) -> Any:
    """``<tag format="html"><text>...</text><file .../></tag>`` with the images it uses."""
    from lxml import etree

    el = etree.SubElement(parent, tag, format="html")
    _fill(el, delivery, item, markdown, inline)
    return el


def _fill(el: Any, delivery: Delivery, item: Any, markdown: str, inline: bool) -> None:
    """Add ``<text>`` (HTML) and one base64 ``<file>`` per local image to ``el``."""
    from lxml import etree

    from ..markup import image_sources, to_html

    assets = {a.src: a for a in delivery.assets_by_item.get(item.id, ())}
    names = {src: PurePosixPath(a.name).name for src, a in assets.items()}
    html = to_html(
        markdown,
        inline=inline,
        rewrite_src=lambda s: f"@@PLUGINFILE@@/{names[s]}" if s in names else s,
    )
    _text(el, html)
    for src in image_sources(markdown):
        if src in assets:
            f = etree.SubElement(el, "file", name=names[src], path="/", encoding="base64")
            f.text = base64.b64encode(assets[src].data).decode("ascii")


def _question(delivery: Delivery, item: Any, options: Mapping[str, Any]) -> Any:
    from lxml import etree

    multiple = item.type == ItemType.MULTIPLE_SELECT
    all_or_nothing = multiple and not options["partial_credit"]
    q = etree.Element("question", type="multichoiceset" if all_or_nothing else "multichoice")
    _text(etree.SubElement(q, "name"), item.id)
    _html(q, "questiontext", delivery, item, item.stem, inline=False)
    _html(q, "generalfeedback", delivery, item, "", inline=False)
    etree.SubElement(q, "defaultgrade").text = "1"
    etree.SubElement(q, "penalty").text = "0"
    etree.SubElement(q, "hidden").text = "0"
    etree.SubElement(q, "idnumber").text = item.id
    if not all_or_nothing:
        etree.SubElement(q, "single").text = "false" if multiple else "true"
    etree.SubElement(q, "shuffleanswers").text = "0"
    etree.SubElement(q, "answernumbering").text = "ABCD"
    etree.SubElement(q, "showstandardinstruction").text = "0"
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _html(q, tag, delivery, item, "", inline=False)
    if multiple and not all_or_nothing:
        right, wrong = choice_fractions(
            len(item.key), negative_marking=bool(options["negative_marking"])
        )
    else:
        right, wrong = "100", "0"
    with_feedback = includes_rationales(item, str(options["feedback"]))
    for o in item.options:
        a = etree.SubElement(q, "answer", fraction=right if o.correct else wrong, format="html")
        _fill(a, delivery, item, o.text, inline=True)
        _html(a, "feedback", delivery, item, o.rationale if with_feedback else "", inline=False)
    tags = etree.SubElement(q, "tags")
    for t in (*item.tags, f"goal-{item.learning_goal}"):
        _text(etree.SubElement(tags, "tag"), t)
    return q
