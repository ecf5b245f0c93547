"""One QTI content-package writer for QTI 2.1 and QTI 3.0.

The two versions have the same information model and differ in spelling: QTI 2.1 writes
``choiceInteraction responseIdentifier=...``, QTI 3.0 ``qti-choice-interaction
response-identifier=...``, with other namespaces, template URLs, resource types and manifest
metadata (IMS MD 1.2 versus IEEE LOM). A :class:`Dialect` holds those differences; the tree is
built once, in :func:`item_xml`, :func:`test_xml` and :func:`manifest_xml`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..markup import to_html
from ..vocab import ItemType
from .delivery import Delivery, includes_rationales, ncname
from .xmlutil import XML_NS, XSI_NS, append_html, serialize, xml_text


@dataclass(frozen=True)
class Dialect:
    version: str
    ns: str
    schema_location: str
    templates: str
    """Prefix of the standard response-processing templates."""
    template_suffix: str
    item_type: str
    test_type: str
    manifest_ns: str
    manifest_schema: str
    manifest_schemaversion: str
    md_ns: str
    qmd_ns: str
    kebab: bool

    def el(self, name: str) -> str:
        """A QTI element name (``choiceInteraction``) in this version's spelling."""
        if self.kebab:
            name = "qti-" + _kebab(name)
        return f"{{{self.ns}}}{name}"

    def attr(self, name: str) -> str:
        return _kebab(name) if self.kebab else name

    def template(self, name: str) -> str:
        return f"{self.templates}{name}{self.template_suffix}"


def _kebab(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", name).lower()


QTI21 = Dialect(
    version="qti21",
    ns="http://www.imsglobal.org/xsd/imsqti_v2p1",
    schema_location="http://www.imsglobal.org/xsd/imsqti_v2p1 "
    "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd",
    templates="http://www.imsglobal.org/question/qti_v2p1/rptemplates/",
    template_suffix="",
    item_type="imsqti_item_xmlv2p1",
    test_type="imsqti_test_xmlv2p1",
    manifest_ns="http://www.imsglobal.org/xsd/imscp_v1p1",
    manifest_schema="QTIv2.1 Package",
    manifest_schemaversion="1.0.0",
    md_ns="http://www.imsglobal.org/xsd/imsmd_v1p2",
    qmd_ns="http://www.imsglobal.org/xsd/imsqti_metadata_v2p1",
    kebab=False,
)

QTI30 = Dialect(
    version="qti30",
    ns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0",
    schema_location="http://www.imsglobal.org/xsd/imsqtiasi_v3p0 "
    "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd",
    templates="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/",
    template_suffix=".xml",
    item_type="imsqti_item_xmlv3p0",
    test_type="imsqti_test_xmlv3p0",
    manifest_ns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1",
    manifest_schema="QTI Package",
    manifest_schemaversion="3.0.0",
    md_ns="http://ltsc.ieee.org/xsd/LOM",
    qmd_ns="http://www.imsglobal.org/xsd/imsqti_metadata_v3p0",
    kebab=True,
)


def number(x: float) -> str:
    """A score as QTI writes it: up to 7 significant digits, no trailing zeros."""
    return format(x, ".7g")


def item_path(item_id: str) -> str:
    return f"items/{item_id}.xml"


def item_xml(
    d: Dialect,
    delivery: Delivery,
    item: Any,
    *,
    partial_credit: bool,
    feedback: str,
) -> bytes:
    """One assessment item: a choice interaction with its response declaration, scoring and,
    when the item's rationales are exported, one modal feedback per option."""
    from lxml import etree

    E, A = d.el, d.attr
    multiple = item.type == ItemType.MULTIPLE_SELECT
    card = "multiple" if multiple else "single"
    with_feedback = includes_rationales(item, feedback)
    mapped = multiple and partial_credit
    src = delivery.asset_src(item, "../")

    def html(text: str, inline: bool = False) -> str:
        return to_html(text, inline=inline, rewrite_src=lambda s: src.get(s, s))

    root = etree.Element(E("assessmentItem"), nsmap={None: d.ns, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", d.schema_location)
    root.set("identifier", ncname(item.id))
    root.set("title", item.id)
    root.set(A("adaptive"), "false")
    root.set(A("timeDependent"), "false")
    root.set(f"{{{XML_NS}}}lang", "en")

    rd = etree.SubElement(root, E("responseDeclaration"))
    rd.set("identifier", "RESPONSE")
    rd.set("cardinality", card)
    rd.set(A("baseType"), "identifier")
    cr = etree.SubElement(rd, E("correctResponse"))
    for key in item.key:
        etree.SubElement(cr, E("value")).text = key
    if mapped:
        share = 1 / (item.select or len(item.key))
        mp = etree.SubElement(rd, E("mapping"))
        mp.set(A("lowerBound"), "0")
        mp.set(A("upperBound"), "1")
        mp.set(A("defaultValue"), "0")
        for o in item.options:
            me = etree.SubElement(mp, E("mapEntry"))
            me.set(A("mapKey"), o.id)
            me.set(A("mappedValue"), number(share if o.correct else 0))

    for ident, value in (("SCORE", "0"), ("MAXSCORE", "1")):
        od = etree.SubElement(root, E("outcomeDeclaration"))
        od.set("identifier", ident)
        od.set("cardinality", "single")
        od.set(A("baseType"), "float")
        dv = etree.SubElement(od, E("defaultValue"))
        etree.SubElement(dv, E("value")).text = value
    if with_feedback:
        od = etree.SubElement(root, E("outcomeDeclaration"))
        od.set("identifier", "FEEDBACK")
        od.set("cardinality", card)
        od.set(A("baseType"), "identifier")

    body = etree.SubElement(root, E("itemBody"))
    stem = etree.SubElement(body, f"{{{d.ns}}}div")
    stem.set("class", "stem")
    append_html(stem, html(item.stem), d.ns)
    ci = etree.SubElement(body, E("choiceInteraction"))
    ci.set(A("responseIdentifier"), "RESPONSE")
    ci.set("shuffle", "false")
    ci.set(A("maxChoices"), str(item.select or 1) if multiple else "1")
    ci.set(A("minChoices"), "0")
    for o in item.options:
        sc = etree.SubElement(ci, E("simpleChoice"))
        sc.set("identifier", o.id)
        append_html(sc, html(o.text, inline=True), d.ns)

    template = "map_response" if mapped else "match_correct"
    rp = etree.SubElement(root, E("responseProcessing"))
    if not with_feedback:
        rp.set("template", d.template(template))
    else:
        _inline_template(d, rp, template)
        so = etree.SubElement(rp, E("setOutcomeValue"))
        so.set("identifier", "FEEDBACK")
        etree.SubElement(so, E("variable")).set("identifier", "RESPONSE")
        for o in item.options:
            mf = etree.SubElement(root, E("modalFeedback"))
            mf.set(A("outcomeIdentifier"), "FEEDBACK")
            mf.set("identifier", o.id)
            mf.set(A("showHide"), "show")
            holder = etree.SubElement(mf, E("contentBody")) if d.kebab else mf
            box = etree.SubElement(holder, f"{{{d.ns}}}div")
            box.set("class", "rationale")
            append_html(box, html(o.rationale), d.ns)
    return serialize(root)


def _inline_template(d: Dialect, rp: Any, template: str) -> None:
    """The rules of a standard template, written out (a template cannot be combined with the
    rule that shows the feedback of the chosen options)."""
    from lxml import etree

    E, A = d.el, d.attr
    rc = etree.SubElement(rp, E("responseCondition"))
    ri = etree.SubElement(rc, E("responseIf"))
    if template == "match_correct":
        m = etree.SubElement(ri, E("match"))
        etree.SubElement(m, E("variable")).set("identifier", "RESPONSE")
        etree.SubElement(m, E("correct")).set("identifier", "RESPONSE")
        first, second = "1", "0"
    else:
        n = etree.SubElement(ri, E("isNull"))
        etree.SubElement(n, E("variable")).set("identifier", "RESPONSE")
        first, second = "0", ""
    so = etree.SubElement(ri, E("setOutcomeValue"))
    so.set("identifier", "SCORE")
    bv = etree.SubElement(so, E("baseValue"))
    bv.set(A("baseType"), "float")
    bv.text = first
    re_ = etree.SubElement(rc, E("responseElse"))
    so = etree.SubElement(re_, E("setOutcomeValue"))
    so.set("identifier", "SCORE")
    if second:
        bv = etree.SubElement(so, E("baseValue"))
        bv.set(A("baseType"), "float")
        bv.text = second
    else:
        etree.SubElement(so, E("mapResponse")).set("identifier", "RESPONSE")


def test_xml(d: Dialect, delivery: Delivery) -> bytes:
    """The assessment test: one test part, a section per form section, the total score."""
    from lxml import etree

    E, A = d.el, d.attr
    root = etree.Element(E("assessmentTest"), nsmap={None: d.ns, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", d.schema_location)
    root.set("identifier", ncname(delivery.id, "T"))
    root.set("title", xml_text(delivery.title))
    root.set(A("toolName"), "qbank")
    od = etree.SubElement(root, E("outcomeDeclaration"))
    od.set("identifier", "SCORE")
    od.set("cardinality", "single")
    od.set(A("baseType"), "float")
    dv = etree.SubElement(od, E("defaultValue"))
    etree.SubElement(dv, E("value")).text = "0"
    tp = etree.SubElement(root, E("testPart"))
    tp.set("identifier", "P1")
    tp.set(A("navigationMode"), "nonlinear")
    tp.set(A("submissionMode"), "simultaneous")
    isc = etree.SubElement(tp, E("itemSessionControl"))
    isc.set(A("maxAttempts"), "1")
    isc.set(A("showFeedback"), "false")
    isc.set(A("allowReview"), "true")
    isc.set(A("showSolution"), "false")
    for s in delivery.sections:
        sec = etree.SubElement(tp, E("assessmentSection"))
        sec.set("identifier", ncname(s.id, "S"))
        sec.set("title", xml_text(s.title))
        sec.set("visible", "true")
        for it in s.items:
            ref = etree.SubElement(sec, E("assessmentItemRef"))
            ref.set("identifier", ncname(it.id))
            ref.set("href", "../" + item_path(it.id))
    op = etree.SubElement(root, E("outcomeProcessing"))
    so = etree.SubElement(op, E("setOutcomeValue"))
    so.set("identifier", "SCORE")
    sm = etree.SubElement(so, E("sum"))
    etree.SubElement(sm, E("testVariables")).set(A("variableIdentifier"), "SCORE")
    return serialize(root)


def _lom(d: Dialect, parent: Any, delivery: Delivery, item: Any) -> None:
    """Item metadata in the manifest: id, version, tags and the learning goal (as a
    classification taxon), in IMS MD 1.2 (QTI 2.1) or IEEE LOM (QTI 3.0)."""
    from lxml import etree

    M = d.md_ns
    v3 = d.kebab

    def s(parent: Any, text: str, lang: str = "en") -> None:
        if v3:
            el = etree.SubElement(parent, f"{{{M}}}string")
            el.set("language", lang)
        else:
            el = etree.SubElement(parent, f"{{{M}}}langstring")
            el.set(f"{{{XML_NS}}}lang", lang)
        el.text = xml_text(text)

    def vocab(parent: Any, name: str, value: str) -> None:
        el = etree.SubElement(parent, f"{{{M}}}{name}")
        if v3:
            el.text = value
        else:
            s(el, value, "x-none")

    goal = delivery.goal(item)
    lom = etree.SubElement(parent, f"{{{M}}}lom")
    gen = etree.SubElement(lom, f"{{{M}}}general")
    ident = etree.SubElement(gen, f"{{{M}}}identifier")
    if v3:
        etree.SubElement(ident, f"{{{M}}}catalog").text = "qbank"
        etree.SubElement(ident, f"{{{M}}}entry").text = item.id
    else:
        ident.text = item.id
    s(etree.SubElement(gen, f"{{{M}}}title"), item.id)
    for tag in item.tags:
        s(etree.SubElement(gen, f"{{{M}}}keyword"), tag)
    lc = etree.SubElement(lom, f"{{{M}}}{'lifeCycle' if v3 else 'lifecycle'}")
    s(etree.SubElement(lc, f"{{{M}}}version"), str(item.version), "x-none")
    cl = etree.SubElement(lom, f"{{{M}}}classification")
    pu = etree.SubElement(cl, f"{{{M}}}purpose")
    vocab(pu, "source", "LOMv1.0")
    vocab(pu, "value", "educational objective")
    tpath = etree.SubElement(cl, f"{{{M}}}{'taxonPath' if v3 else 'taxonpath'}")
    s(etree.SubElement(tpath, f"{{{M}}}source"), f"{delivery.blueprint.exam.code} blueprint")
    tx = etree.SubElement(tpath, f"{{{M}}}taxon")
    etree.SubElement(tx, f"{{{M}}}id").text = goal.id
    s(etree.SubElement(tx, f"{{{M}}}entry"), goal.text)


def manifest_xml(d: Dialect, delivery: Delivery, test_href: str) -> bytes:
    """``imsmanifest.xml``: a resource per item (with its metadata and assets) and the test."""
    from lxml import etree

    C = d.manifest_ns
    nsmap = {None: C, "imsmd": d.md_ns, "imsqti": d.qmd_ns, "xsi": XSI_NS}
    root = etree.Element(f"{{{C}}}manifest", nsmap=nsmap)
    root.set("identifier", ncname(f"MANIFEST-{delivery.id}"))
    md = etree.SubElement(root, f"{{{C}}}metadata")
    etree.SubElement(md, f"{{{C}}}schema").text = d.manifest_schema
    etree.SubElement(md, f"{{{C}}}schemaversion").text = d.manifest_schemaversion
    etree.SubElement(root, f"{{{C}}}organizations")
    res = etree.SubElement(root, f"{{{C}}}resources")
    test = etree.SubElement(res, f"{{{C}}}resource")
    test.set("identifier", ncname(f"TEST-{delivery.id}"))
    test.set("type", d.test_type)
    test.set("href", test_href)
    etree.SubElement(test, f"{{{C}}}file").set("href", test_href)
    for it in delivery.items:
        etree.SubElement(test, f"{{{C}}}dependency").set("identifierref", f"ITEM-{ncname(it.id)}")
    for it in delivery.items:
        r = etree.SubElement(res, f"{{{C}}}resource")
        r.set("identifier", f"ITEM-{ncname(it.id)}")
        r.set("type", d.item_type)
        r.set("href", item_path(it.id))
        meta = etree.SubElement(r, f"{{{C}}}metadata")
        if d.kebab:  # QTI 3.0: qtiMetadata comes before lom
            _qti_metadata(d, meta)
            _lom(d, meta, delivery, it)
        else:
            _lom(d, meta, delivery, it)
            _qti_metadata(d, meta)
        etree.SubElement(r, f"{{{C}}}file").set("href", item_path(it.id))
        for a in delivery.assets_by_item.get(it.id, ()):
            etree.SubElement(r, f"{{{C}}}file").set("href", a.name)
    return serialize(root)


def _qti_metadata(d: Dialect, parent: Any) -> None:
    from lxml import etree

    q = etree.SubElement(parent, f"{{{d.qmd_ns}}}qtiMetadata")
    etree.SubElement(q, f"{{{d.qmd_ns}}}timeDependent").text = "false"
    etree.SubElement(q, f"{{{d.qmd_ns}}}interactionType").text = "choiceInteraction"
    etree.SubElement(q, f"{{{d.qmd_ns}}}toolName").text = "qbank"


def package(d: Dialect, delivery: Delivery, options: Mapping[str, Any]) -> dict[str, bytes]:
    """Every file of the content package, by path."""
    files: dict[str, bytes] = {}
    for it in delivery.items:
        files[item_path(it.id)] = item_xml(
            d,
            delivery,
            it,
            partial_credit=bool(options["partial_credit"]),
            feedback=str(options["feedback"]),
        )
    test_href = f"tests/{ncname(delivery.id, 'T')}.xml"
    files[test_href] = test_xml(d, delivery)
    files["imsmanifest.xml"] = manifest_xml(d, delivery, test_href)
    for a in delivery.assets:
        files[a.name] = a.data
    return files
