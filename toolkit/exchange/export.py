"""Run an export: options from the configuration and the command line, the exporter, the
optional schema check, and the one place that writes (deterministic zip, folder or file)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic
from ..errors import DataError, UsageError
from ..io import atomic_write_bytes
from . import EXPORTERS
from .delivery import Delivery

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""Every archive member gets this timestamp so that archives are byte-identical."""


@dataclass(frozen=True)
class ExportResult:
    format: str
    out: Path
    written: tuple[Path, ...]
    files: dict[str, bytes] = field(repr=False)
    checked: tuple[str, ...] = ()
    """Members that were validated against an official schema (``--check``)."""


def parse_value(raw: str, default: Any) -> Any:
    """A ``--set`` value as the type of the option's default."""
    if isinstance(default, bool):
        low = raw.strip().lower()
        if low in ("true", "yes", "1", "on"):
            return True
        if low in ("false", "no", "0", "off"):
            return False
        raise UsageError(f"expected true or false, got {raw!r}")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise UsageError(f"expected a whole number, got {raw!r}") from None
    if isinstance(default, float):
        try:
            return float(raw)
        except ValueError:
            raise UsageError(f"expected a number, got {raw!r}") from None
    return raw


def export_options(
    fmt: str,
    settings: Mapping[str, str] | None = None,
    config_path: str | Path | None = None,
    cwd: str | Path = ".",
) -> dict[str, Any]:
    """The options of format ``fmt``: defaults, then ``[tool.qbank.export.<fmt>]`` (validated
    by the schema derived from the registry), then ``settings`` (``--set KEY=VALUE``)."""
    from ..config import ConfigError, section

    unit = get_exporter(fmt)
    table, source = section(config_path, ("export",), cwd)
    if table is not None:
        from jsonschema import Draft202012Validator

        errors = list(Draft202012Validator(EXPORTERS.config_schema()).iter_errors(table))
        if errors:
            e = errors[0]
            where = ".".join(["export", *(str(p) for p in e.absolute_path)])
            raise ConfigError(f"{source}: [{where}] {e.message}")
    opts = EXPORTERS.options_for(unit, table)
    for key, raw in (settings or {}).items():
        if key not in unit.options:
            known = ", ".join(unit.options) or "none"
            raise UsageError(f"format {fmt} has no option {key!r} (options: {known})")
        try:
            opts[key] = parse_value(raw, unit.options[key])
        except UsageError as exc:
            raise UsageError(f"--set {key}: {exc}") from None
    return opts


def get_exporter(fmt: str):  # type: ignore[no-untyped-def]
    try:
        return EXPORTERS.get(fmt)
    except KeyError as exc:
        raise UsageError(str(exc.args[0])) from None


def zip_bytes(files: Mapping[str, bytes]) -> bytes:
    """A deterministic zip: ``imsmanifest.xml`` first, then members sorted by name, fixed
    timestamps and permissions."""
    names = sorted(files, key=lambda n: (n != "imsmanifest.xml", n))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            zf.writestr(info, files[name], compresslevel=9)
    return buf.getvalue()


def render(
    delivery: Delivery, fmt: str, options: Mapping[str, Any] | None = None
) -> dict[str, bytes]:
    """The files of ``delivery`` in format ``fmt`` (nothing is written)."""
    unit = get_exporter(fmt)
    unknown = sorted(set(options or {}) - set(unit.options))
    if unknown:
        known = ", ".join(unit.options) or "none"
        raise UsageError(f"format {fmt} has no option {unknown[0]!r} (options: {known})")
    opts = dict(unit.options)
    opts.update(options or {})
    return unit.func(delivery, opts)


def check(fmt: str, files: Mapping[str, bytes]) -> tuple[list[Diagnostic], tuple[str, ...]]:
    """Validate QTI members against the official schemas; other XML is checked for
    well-formedness. Returns the problems and the members validated against a schema."""
    from . import qtischema

    return qtischema.check_files(fmt, files)


def write(fmt: str, files: Mapping[str, bytes], out: str | Path) -> tuple[Path, ...]:
    """Write the export to ``out`` atomically: an archive, a folder of files, or one file."""
    out = Path(out)
    container = get_exporter(fmt).scope
    if container == "zip":
        if out.is_dir():
            raise UsageError(f"--out {out} is a folder; format {fmt} writes one .zip file")
        atomic_write_bytes(out, zip_bytes(files))
        return (out,)
    if container == "dir":
        if out.exists() and not out.is_dir():
            raise UsageError(f"--out {out} is a file; format {fmt} writes a folder")
        written = []
        for name in sorted(files):
            atomic_write_bytes(out / name, files[name])
            written.append(out / name)
        return tuple(written)
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder; format {fmt} writes one file")
    (data,) = files.values()
    atomic_write_bytes(out, data)
    return (out,)


def export(
    delivery: Delivery,
    fmt: str,
    out: str | Path,
    options: Mapping[str, Any] | None = None,
    *,
    validate: bool = False,
) -> ExportResult:
    """Render, optionally check (nothing is written when the check fails), and write."""
    files = render(delivery, fmt, options)
    checked: tuple[str, ...] = ()
    if validate:
        diags, checked = check(fmt, files)
        if diags:
            raise DataError(
                f"the {fmt} export of {delivery.id} fails validation; nothing was written", diags
            )
    written = write(fmt, files, out)
    return ExportResult(fmt, Path(out), written, files, checked)
