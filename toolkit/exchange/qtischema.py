"""Validation of exported QTI against the official 1EdTech (IMS) XML Schemas, offline.

The schemas are not part of the repository: their IMS distribution notice asks anyone who
redistributes them to register with IMS, which an open-source project cannot do on behalf of
its users. qbank looks for them in the folder named by the environment variable
``QBANK_QTI_SCHEMAS``, else in ``../shared/qti-schemas`` beside the repository (the layout and
catalog described in that folder's ``SOURCES.md``). Remote ``schemaLocation`` imports are mapped
to local files through its ``catalog.xml``; anything unmapped is refused, never fetched.

QTI 3.0 items and tests are checked against the official SBAC profile of the QTI 3.0 ASI schema,
a stand-in for the full schema (same namespace and element names; see SOURCES.md).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, Severity
from ..errors import UsageError

ENV = "QBANK_QTI_SCHEMAS"
REPO = Path(__file__).resolve().parent.parent.parent

SCHEMAS = {
    "qti21": {"manifest": "cp/imscp_v1p1.xsd", "qti": "qti21/imsqti_v2p1.xsd"},
    "qti30": {
        "manifest": "qti30/imsqtiv3p0_imscpv1p2_v1p0.xsd",
        "qti": "qti30/profiles/imsqti_asiv3p0_sbacv1p0_v1p0.xsd",
    },
}


DEFAULTS = (
    REPO.parent / "shared" / "qti-schemas",
    REPO.parent.parent / "shared" / "qti-schemas",  # a git worktree one level further down
)


def schema_root() -> Path:
    """The folder holding the QTI schemas: ``$QBANK_QTI_SCHEMAS``, else the first default that
    exists (it may not exist at all; see :func:`available`)."""
    env = os.environ.get(ENV)
    if env:
        return Path(env)
    return next((p for p in DEFAULTS if (p / "catalog.xml").is_file()), DEFAULTS[0])


def available() -> tuple[bool, str]:
    """Whether the schemas can be used, and if not, why (a message that says what to do)."""
    root = schema_root()
    if not (root / "catalog.xml").is_file():
        how = f"${ENV}" if os.environ.get(ENV) else f"the default {root} (set ${ENV} to change it)"
        return False, (
            f"QTI schemas not found: {how} has no catalog.xml; point ${ENV} at a copy of the"
            " qti-schemas folder (see docs/delivery/index.md)"
        )
    return True, ""


@lru_cache(maxsize=4)
def _schema(rel: str, root: str) -> Any:
    from lxml import etree

    base = Path(os.path.abspath(root))
    ns = {"c": "urn:oasis:names:tc:entity:xmlns:xml:catalog"}
    mapping = {
        u.get("name"): str(base / u.get("uri"))
        for u in etree.parse(str(base / "catalog.xml")).iterfind("c:uri", ns)
    }
    # The SBAC stand-in imports SSML 1.1 by a relative path that is absent on purpose: map it
    # to the SSML 1.0 copy (same namespace), as SOURCES.md says.
    mapping[str(base / "qti30/w3/ssml11/ssmlv1p1-core.xsd")] = str(
        base / "qti30/w3/ssml10/ssmlv1p0.xsd"
    )

    class LocalOnly(etree.Resolver):
        def resolve(self, url, pubid, context):  # type: ignore[no-untyped-def]
            url = url[7:] if url.startswith("file://") else url
            if url in mapping:
                return self.resolve_filename(mapping[url], context)
            if url.startswith(("http:", "https:")):
                raise OSError(f"unmapped remote schema {url}: add it to catalog.xml")
            return None

    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(LocalOnly())
    return etree.XMLSchema(etree.parse(str(base / rel), parser))


def validator(version: str, kind: str) -> Any:
    """The compiled schema for ``version`` (qti21, qti30) and ``kind`` (manifest, qti)."""
    ok, why = available()
    if not ok:
        raise UsageError(why)
    return _schema(SCHEMAS[version][kind], str(schema_root()))


def _parse(name: str, data: bytes) -> tuple[Any, list[Diagnostic]]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(data, parser), []
    except etree.XMLSyntaxError as exc:
        return None, [
            Diagnostic(name, exc.lineno or 0, 0, "X201", Severity.ERROR, f"not XML: {exc.msg}")
        ]


def check_files(fmt: str, files: Mapping[str, bytes]) -> tuple[list[Diagnostic], tuple[str, ...]]:
    """Problems in the XML members of an export, and the members checked against a schema.

    QTI 2.1 and 3.0 members are validated (the manifest against the content-packaging schema,
    items and tests against the QTI schema); other XML is checked for well-formedness."""
    diags: list[Diagnostic] = []
    checked: list[str] = []
    for name in sorted(files):
        if not name.endswith(".xml"):
            continue
        root, problems = _parse(name, files[name])
        diags += problems
        if root is None or fmt not in SCHEMAS:
            continue
        kind = "manifest" if name == "imsmanifest.xml" else "qti"
        schema = validator(fmt, kind)
        if not schema.validate(root):
            for e in schema.error_log:
                diags.append(Diagnostic(name, e.line, e.column, "X202", Severity.ERROR, e.message))
        checked.append(name)
    return diags, tuple(checked)
