"""Canvas (``--format canvas``): a QTI 1.2 package as Canvas's quiz importer reads it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..markup import to_html
from ..vocab import ItemType
from . import exporter
from .delivery import Delivery, includes_rationales, ncname
from .xmlutil import XSI_NS, serialize, xml_text

QTI12_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"


@exporter("canvas", container="zip", options={"feedback": "public", "points": 1.0})
def canvas(delivery: Delivery, options: Mapping[str, Any]) -> dict[str, bytes]:
    """Canvas classic-quiz package (Settings > Import Course Content > QTI .zip file): a QTI 1.2
    `questestinterop` with one `item` per item and the metadata Canvas reads
    (`question_type` `multiple_choice_question` or `multiple_answers_question`,
    `points_possible` = `points`, `original_answer_ids`), plus `assessment_meta.xml` (quiz
    settings: answers not shuffled, correct answers not shown, one attempt) and the images under
    `web_resources/`. Each form section starts with a `text_only_question` carrying its title.

    The package declares full marks for exactly the keyed set of choices; Canvas applies its
    own partial-credit rule to multiple-answers questions. Rationales (per `feedback`) become
    per-answer feedback.
    """
    quiz = f"qbank-{ncname(delivery.id, 'Q')}"
    files: dict[str, bytes] = {
        f"{quiz}/{quiz}.xml": _assessment(delivery, quiz, options),
        f"{quiz}/assessment_meta.xml": _meta(delivery, quiz, options),
        "imsmanifest.xml": _manifest(delivery, quiz),
    }
    for a in delivery.assets:
        files[f"web_resources/{a.name}"] = a.data
    return files


def _field(parent: Any, label: str, entry: str) -> None:
    from lxml import etree

    f = etree.SubElement(parent, f"{{{QTI12_NS}}}qtimetadatafield")
    etree.SubElement(f, f"{{{QTI12_NS}}}fieldlabel").text = label
    etree.SubElement(f, f"{{{QTI12_NS}}}fieldentry").text = entry


def _mattext(parent: Any, html: str) -> None:
    from lxml import etree

    m = etree.SubElement(parent, f"{{{QTI12_NS}}}material")
    t = etree.SubElement(m, f"{{{QTI12_NS}}}mattext", texttype="text/html")
    t.text = xml_text(html)


def _assessment(delivery: Delivery, quiz: str, options: Mapping[str, Any]) -> bytes:
    from lxml import etree

    Q = QTI12_NS
    points = format(float(options["points"]), "g")
    root = etree.Element(f"{{{Q}}}questestinterop", nsmap={None: Q, "xsi": XSI_NS})
    root.set(
        f"{{{XSI_NS}}}schemaLocation", f"{Q} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
    )
    asmt = etree.SubElement(root, f"{{{Q}}}assessment", ident=quiz, title=xml_text(delivery.title))
    md = etree.SubElement(asmt, f"{{{Q}}}qtimetadata")
    _field(md, "cc_maxattempts", "1")
    sec = etree.SubElement(asmt, f"{{{Q}}}section", ident="root_section")
    for s_index, s in enumerate(delivery.sections, 1):
        if len(delivery.sections) > 1:
            head = etree.SubElement(
                sec, f"{{{Q}}}item", ident=f"{quiz}-section-{s_index}", title=xml_text(s.title)
            )
            imd = etree.SubElement(
                etree.SubElement(head, f"{{{Q}}}itemmetadata"), f"{{{Q}}}qtimetadata"
            )
            _field(imd, "question_type", "text_only_question")
            _field(imd, "points_possible", "0")
            pres = etree.SubElement(head, f"{{{Q}}}presentation")
            _mattext(pres, f"<h2>{_esc(s.title)}</h2>")
        for item in s.items:
            sec.append(_item(delivery, item, points, options))
    return serialize(root)


def _esc(text: str) -> str:
    import html

    return html.escape(text, quote=False)


def _item(delivery: Delivery, item: Any, points: str, options: Mapping[str, Any]) -> Any:
    from lxml import etree

    Q = QTI12_NS
    n = delivery.numbers[item.id]
    multiple = item.type == ItemType.MULTIPLE_SELECT
    ids = {o.id: str(n * 100 + k) for k, o in enumerate(item.options, 1)}
    src = delivery.asset_src(item, "$IMS-CC-FILEBASE$/")
    with_feedback = includes_rationales(item, str(options["feedback"]))

    def html(text: str, inline: bool = False) -> str:
        return to_html(text, inline=inline, rewrite_src=lambda s: src.get(s, s))

    el = etree.Element(f"{{{Q}}}item", ident=ncname(item.id), title=item.id)
    md = etree.SubElement(etree.SubElement(el, f"{{{Q}}}itemmetadata"), f"{{{Q}}}qtimetadata")
    _field(
        md, "question_type", "multiple_answers_question" if multiple else "multiple_choice_question"
    )
    _field(md, "points_possible", points)
    _field(md, "original_answer_ids", ",".join(ids[o.id] for o in item.options))
    _field(md, "assessment_question_identifierref", f"aq-{ncname(item.id)}")
    pres = etree.SubElement(el, f"{{{Q}}}presentation")
    _mattext(pres, f"<div>{html(item.stem)}</div>")
    rl = etree.SubElement(
        pres,
        f"{{{Q}}}response_lid",
        ident="response1",
        rcardinality="Multiple" if multiple else "Single",
    )
    rc = etree.SubElement(rl, f"{{{Q}}}render_choice")
    for o in item.options:
        lab = etree.SubElement(rc, f"{{{Q}}}response_label", ident=ids[o.id])
        _mattext(lab, html(o.text, inline=True))
    rp = etree.SubElement(el, f"{{{Q}}}resprocessing")
    out = etree.SubElement(rp, f"{{{Q}}}outcomes")
    etree.SubElement(
        out, f"{{{Q}}}decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal"
    )
    if with_feedback:
        for o in item.options:
            cond = etree.SubElement(rp, f"{{{Q}}}respcondition", attrib={"continue": "Yes"})
            cv = etree.SubElement(cond, f"{{{Q}}}conditionvar")
            etree.SubElement(cv, f"{{{Q}}}varequal", respident="response1").text = ids[o.id]
            etree.SubElement(
                cond,
                f"{{{Q}}}displayfeedback",
                feedbacktype="Response",
                linkrefid=f"{ids[o.id]}_fb",
            )
    cond = etree.SubElement(rp, f"{{{Q}}}respcondition", attrib={"continue": "No"})
    cv = etree.SubElement(cond, f"{{{Q}}}conditionvar")
    holder = etree.SubElement(cv, f"{{{Q}}}and") if multiple else cv
    for o in item.options:
        if o.correct:
            etree.SubElement(holder, f"{{{Q}}}varequal", respident="response1").text = ids[o.id]
        elif multiple:
            neg = etree.SubElement(holder, f"{{{Q}}}not")
            etree.SubElement(neg, f"{{{Q}}}varequal", respident="response1").text = ids[o.id]
    sv = etree.SubElement(cond, f"{{{Q}}}setvar", action="Set", varname="SCORE")
    sv.text = "100"
    if with_feedback:
        for o in item.options:
            fb = etree.SubElement(el, f"{{{Q}}}itemfeedback", ident=f"{ids[o.id]}_fb")
            _mattext(etree.SubElement(fb, f"{{{Q}}}flow_mat"), html(o.rationale))
    return el


def _meta(delivery: Delivery, quiz: str, options: Mapping[str, Any]) -> bytes:
    from lxml import etree

    C = CANVAS_NS
    root = etree.Element(f"{{{C}}}quiz", nsmap={None: C, "xsi": XSI_NS}, identifier=quiz)
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{C} https://canvas.instructure.com/xsd/cccv1p0.xsd")
    total = float(options["points"]) * len(delivery.items)
    for tag, value in (
        ("title", xml_text(delivery.title)),
        ("description", ""),
        ("shuffle_answers", "false"),
        ("scoring_policy", "keep_highest"),
        ("hide_results", "always"),
        ("quiz_type", "assignment"),
        ("points_possible", format(total, "g")),
        ("show_correct_answers", "false"),
        ("allowed_attempts", "1"),
        ("one_question_at_a_time", "false"),
        ("cant_go_back", "false"),
        ("available", "false"),
    ):
        etree.SubElement(root, f"{{{C}}}{tag}").text = value
    return serialize(root)


def _manifest(delivery: Delivery, quiz: str) -> bytes:
    from lxml import etree

    C = CP_NS
    root = etree.Element(f"{{{C}}}manifest", nsmap={None: C}, identifier=f"{quiz}-manifest")
    md = etree.SubElement(root, f"{{{C}}}metadata")
    etree.SubElement(md, f"{{{C}}}schema").text = "IMS Content"
    etree.SubElement(md, f"{{{C}}}schemaversion").text = "1.1.3"
    etree.SubElement(root, f"{{{C}}}organizations")
    res = etree.SubElement(root, f"{{{C}}}resources")
    r = etree.SubElement(res, f"{{{C}}}resource", identifier=quiz, type="imsqti_xmlv1p2")
    etree.SubElement(r, f"{{{C}}}file", href=f"{quiz}/{quiz}.xml")
    etree.SubElement(r, f"{{{C}}}dependency", identifierref=f"{quiz}-meta")
    m = etree.SubElement(
        res,
        f"{{{C}}}resource",
        identifier=f"{quiz}-meta",
        type="associatedcontent/imscc_xmlv1p1/learning-application-resource",
        href=f"{quiz}/assessment_meta.xml",
    )
    etree.SubElement(m, f"{{{C}}}file", href=f"{quiz}/assessment_meta.xml")
    for a in delivery.assets:
        w = etree.SubElement(
            res,
            f"{{{C}}}resource",
            identifier=ncname(f"res-{a.name}"),
            type="webcontent",
            href=f"web_resources/{a.name}",
        )
        etree.SubElement(w, f"{{{C}}}file", href=f"web_resources/{a.name}")
    return serialize(root)
