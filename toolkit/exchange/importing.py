"""Import items from other platforms' formats into the bank as ``draft`` items with new ids.

An importer (registered in :data:`toolkit.exchange.IMPORTERS`) only reads: it turns a file
into :class:`ImportedItem` records (text converted to Markdown) and diagnostics for what it
could not import. :func:`import_file` assigns ids and goals, builds item data and writes the
files together (atomically).

Safety: archives are read in memory through :func:`read_zip`, which refuses members outside the
archive root (absolute paths, ``..``, links) and stops at too many or too large members, however
the archive describes itself; XML goes through :func:`toolkit.exchange.xmlutil.parse_untrusted`
(no DTD, no entity expansion, no network).
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..diagnostics import Diagnostic, Severity
from ..errors import DataError, UsageError
from ..vocab import Exposure, ItemType, Status

LETTERS = "ABCDEFGHIJ"
GOAL_TAG = re.compile(r"^goal-(\d+\.\d+\.\d+)$")
TAG_OK = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True)
class Limits:
    """Bounds on what an import may read (an archive that exceeds them is refused)."""

    max_members: int = 5_000
    max_member_bytes: int = 20_000_000
    max_total_bytes: int = 200_000_000


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class ImportedOption:
    text: str
    correct: bool
    rationale: str = ""


@dataclass(frozen=True)
class ImportedItem:
    """One question read from a file, with Markdown text."""

    source: str
    """Where it came from, e.g. ``bank.zip:items/Q1.xml`` or ``quiz.xml:question 3``."""
    title: str
    stem: str
    options: tuple[ImportedOption, ...]
    multiple: bool
    goal: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportResult:
    written: dict[str, Path] = field(default_factory=dict)
    """New item id -> file written (or that would be written, for a dry run)."""
    titles: dict[str, str] = field(default_factory=dict)
    """New item id -> the question's id or name in the imported file."""
    skipped: tuple[Diagnostic, ...] = ()


def problem(where: str, message: str, code: str = "X102") -> Diagnostic:
    return Diagnostic(where, 0, 0, code, Severity.WARNING, message)


def read_zip(data: bytes, where: str, limits: Limits = DEFAULT_LIMITS) -> dict[str, bytes]:
    """The members of a zip archive, refusing anything that could escape the archive or
    exhaust memory: absolute paths, ``..`` segments, links, more than ``max_members`` members,
    a member that inflates past ``max_member_bytes`` or a total past ``max_total_bytes`` (sizes
    are counted while inflating; the archive's own size fields are not trusted)."""

    def bad(msg: str) -> DataError:
        return DataError(f"{where}: {msg}", [Diagnostic(where, 0, 0, "X103", Severity.ERROR, msg)])

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise bad(f"not a zip archive ({exc})") from None
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise bad(f"the archive has {len(infos)} members; at most {limits.max_members} are read")
    out: dict[str, bytes] = {}
    total = 0
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if (
            name.startswith(("/", "\\"))
            or re.match(r"^[A-Za-z]:", name)
            or ".." in parts
            or "\x00" in name
        ):
            raise bad(f"member {name!r} points outside the archive; the archive is refused")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise bad(f"member {name!r} is a symbolic link; the archive is refused")
        if info.is_dir():
            continue
        with zf.open(info) as fh:
            blob = fh.read(limits.max_member_bytes + 1)
        if len(blob) > limits.max_member_bytes:
            raise bad(
                f"member {name!r} inflates past {limits.max_member_bytes} bytes; the archive"
                " is refused"
            )
        total += len(blob)
        if total > limits.max_total_bytes:
            raise bad(f"the archive inflates past {limits.max_total_bytes} bytes; it is refused")
        out["/".join(parts)] = blob
    return out


def html_to_markdown(html: str) -> str:
    """Imported HTML as Markdown (markdownify), so that the bank keeps one text format."""
    from markdownify import markdownify

    def language(el: Any) -> str | None:
        code = el.find("code") if el.name == "pre" else None
        classes = (code.get("class") if code is not None else None) or []
        for c in classes:
            if c.startswith("language-"):
                return str(c[len("language-") :])
        return None

    md = markdownify(
        html,
        heading_style="ATX",
        bullets="-",
        code_language_callback=language,
        escape_misc=False,
    )
    md = re.sub(r"\n{3,}", "\n\n", md).strip()
    return md


def item_data(imp: ImportedItem, item_id: str, goal: str, author: str) -> dict[str, Any]:
    """A draft item (the bank's item schema) from an imported question."""
    keys = sum(1 for o in imp.options if o.correct)
    multiple = imp.multiple or keys > 1
    data: dict[str, Any] = {
        "id": item_id,
        "version": 1,
        "status": str(Status.DRAFT),
        "type": str(ItemType.MULTIPLE_SELECT if multiple else ItemType.MULTIPLE_CHOICE),
        "learning_goal": goal,
        "exposure": str(Exposure.SECURE),
        "stem": imp.stem.rstrip("\n") + "\n",
    }
    if multiple:
        data["select"] = keys
    data["options"] = [
        {"id": LETTERS[k], "text": o.text, "correct": o.correct, "rationale": o.rationale}
        for k, o in enumerate(imp.options)
    ]
    data.update(
        {
            "references": [],
            "authors": [author],
            "reviews": [],
            "enemies": [],
            "tags": sorted({t for t in imp.tags if TAG_OK.match(t)}),
        }
    )
    return data


def check_imported(imp: ImportedItem) -> str:
    """Why the question cannot become a bank item, or ``""``."""
    keys = sum(1 for o in imp.options if o.correct)
    if not imp.stem.strip():
        return "it has no question text"
    if not 2 <= len(imp.options) <= len(LETTERS):
        return f"it has {len(imp.options)} options; items have 2 to {len(LETTERS)}"
    if keys == 0:
        return "no option is marked correct"
    if keys > 1 and keys == len(imp.options):
        return "every option is marked correct"
    if any(not o.text.strip() for o in imp.options):
        return "an option has no text"
    return ""


def import_file(
    bank: Any,
    path: str | Path,
    fmt: str,
    *,
    goal: str | None = None,
    author: str = "imported",
    dry_run: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> ImportResult:
    """Import the questions of ``path`` (format ``fmt``) into ``bank`` as draft items.

    ``goal`` is the learning goal of every imported item; without it each question must name
    its goal (qbank's own exports do: QTI metadata, a ``goal-<id>`` tag in Moodle and GIFT).
    Questions that cannot be imported are skipped and reported; nothing is written when no
    question can be imported or a goal is missing."""
    from ..bank.workspace import Workspace
    from ..io import atomic_write_many
    from ..itemfile import render
    from . import IMPORTERS

    try:
        unit = IMPORTERS.get(fmt)
    except KeyError as exc:
        raise UsageError(str(exc.args[0])) from None
    if goal is not None and goal not in bank.blueprint.goals:
        raise UsageError(f"learning goal {goal!r} is not in the blueprint (ids look like 1.1.1)")
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"{p}: file not found")
    if p.stat().st_size > limits.max_total_bytes:
        raise UsageError(f"{p}: larger than {limits.max_total_bytes} bytes; not imported")
    imported, skipped = unit.func(p.read_bytes(), str(p), limits)
    usable = []
    missing_goal = []
    for imp in imported:
        why = check_imported(imp)
        if why:
            skipped.append(problem(imp.source, f"{imp.title}: not imported: {why}"))
            continue
        g = goal or imp.goal
        if g is None or g not in bank.blueprint.goals:
            missing_goal.append(imp)
            continue
        usable.append((imp, g))
    if missing_goal:
        diags = [
            Diagnostic(
                i.source,
                0,
                0,
                "X104",
                Severity.ERROR,
                f"{i.title}: no learning goal (or one not in the blueprint: {i.goal})",
            )
            for i in missing_goal
        ]
        raise DataError(
            f"{len(missing_goal)} question(s) have no learning goal of this blueprint; give one"
            " with --goal",
            diags,
        )
    if not usable:
        raise DataError(f"{p}: no question could be imported", skipped)
    ws = Workspace(bank)
    ids = ws.allocate_ids([bank.blueprint.goals[g].topic_id for _, g in usable])
    files: dict[Path, str] = {}
    written: dict[str, Path] = {}
    titles: dict[str, str] = {}
    for new_id, (imp, g) in zip(ids, usable, strict=True):
        folder = ws.items_dir / bank.blueprint.folder_for(bank.blueprint.goals[g])
        target = folder / f"{new_id}.yaml"
        files[target] = render(item_data(imp, new_id, g, author))
        written[new_id] = target
        titles[new_id] = imp.title
    if not dry_run:
        for target in files:
            target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_many(files)
    return ImportResult(written, titles, tuple(skipped))


def tags_and_goal(raw: list[str]) -> tuple[tuple[str, ...], str | None]:
    """Split platform tags into bank tags and the goal carried as ``goal-<id>``."""
    goal = None
    tags = []
    for t in raw:
        m = GOAL_TAG.match(t.strip())
        if m:
            goal = m.group(1)
        elif t.strip():
            tags.append(t.strip().lower())
    return tuple(tags), goal
