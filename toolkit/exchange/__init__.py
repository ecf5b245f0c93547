"""Exchange with delivery platforms: exporters and importers, one module per format.

Each format is a registered unit of the shared registry (:mod:`toolkit.registry`): its code and
name are the format name used by ``--format``, its options (with defaults) are set in
``[tool.qbank.export.<format>]`` or with ``--set KEY=VALUE``, its docstring is the reference
text, and its ``scope`` says what ``--out`` is (``zip``: one archive file; ``dir``: a folder;
``file``: one file).

An exporter is ``func(delivery, options) -> dict[str, bytes]``: the files of the export by
relative path (the members of the archive, the files of the folder, or one file). Writing,
zipping and schema checks are done once, in :mod:`toolkit.exchange.export`, so exporters are
pure and their output can be compared byte for byte.

An importer is ``func(data, source, limits) -> (items, problems)`` and never writes; see
:mod:`toolkit.exchange.importing`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from ..registry import Registry

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic
    from .delivery import Delivery
    from .importing import ImportedItem, Limits

Container = Literal["zip", "dir", "file"]
ExportFunc = Callable[["Delivery", Mapping[str, Any]], dict[str, bytes]]
ImportFunc = Callable[[bytes, str, "Limits"], tuple[list["ImportedItem"], list["Diagnostic"]]]

EXPORTERS: Registry[ExportFunc] = Registry(
    "exporter",
    modules=(
        "toolkit.exchange.qti21",
        "toolkit.exchange.qti30",
        "toolkit.exchange.moodle",
        "toolkit.exchange.gift",
        "toolkit.exchange.canvas",
        "toolkit.exchange.booklet",
        "toolkit.exchange.csvfile",
        "toolkit.exchange.jsonfile",
    ),
    config_key="name",
)

IMPORTERS: Registry[ImportFunc] = Registry(
    "importer",
    modules=(
        "toolkit.exchange.import_qti21",
        "toolkit.exchange.import_moodle",
        "toolkit.exchange.import_gift",
    ),
    config_key="name",
)

FEEDBACK_CHOICES = ("public", "all", "none")
"""Which rationales an export carries as feedback: those of public (practice) items only
(the default), all, or none."""


def exporter(
    name: str, *, container: Container, options: Mapping[str, Any] | None = None
) -> Callable[[ExportFunc], ExportFunc]:
    """Register an export format ``name`` whose ``--out`` is a ``container``."""
    return EXPORTERS.register(name, name, options=options, scope=container)


def importer(name: str) -> Callable[[ImportFunc], ImportFunc]:
    """Register an import format ``name``."""
    return IMPORTERS.register(name, name, scope="file")
