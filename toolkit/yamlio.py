"""Reading and writing the bank's YAML safely, fast, and with positions on demand.

Design (see docs/design.md): clean files are parsed once by libyaml (PyYAML's C
``CSafeLoader``); line and column numbers are only needed when something is wrong,
so :class:`YamlDocument` composes the position-carrying node tree lazily, the first
time a diagnostic asks for a position. Hostile input is rejected before or while
parsing: size limit, NUL bytes, invalid UTF-8, aliases (alias bombs),
duplicate keys, and YAML 1.1 timestamps are kept as plain strings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

try:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader: type = yaml.CSafeLoader
    _Dumper: type = yaml.CSafeDumper
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader
    _Dumper = yaml.SafeDumper

MAX_BYTES = 1_000_000
"""Largest YAML file accepted (bytes). An item is a few kilobytes."""

PARSE_CODES = {
    "P001": "YAML syntax error, or more than one document in a file",
    "P002": "duplicate key in a mapping",
    "P003": "empty file",
    "P004": "the file is not a mapping (a list or a single value)",
    "P005": "binary content or invalid UTF-8",
    "P006": "file larger than the size limit",
    "P007": "YAML aliases (refused: alias bombs); anchors alone are harmless",
    "P008": "file cannot be read",
    "P009": "item file with a .yml extension",
    "P010": "a file given to `qbank validate` that is not an item file",
}
"""Codes of problems found while reading files (documented in docs/validate.md)."""

PathPart = str | int
JsonPath = tuple[PathPart, ...]


class YamlProblem(Exception):
    """A file that cannot be turned into data. Carries a code, a message and a position."""

    def __init__(self, code: str, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key: object, mark: yaml.Mark, first: yaml.Mark) -> None:
        super().__init__(str(key))
        self.key = key
        self.mark = mark
        self.first = first


class _AliasUsed(yaml.YAMLError):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__("alias")
        self.mark = mark


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """libyaml-backed safe loader that refuses aliases and duplicate keys, and keeps dates as
    text. libyaml composes aliases as shared nodes, so an alias bomb stays small until
    construction, which stops at the first node that would be constructed twice."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            raise _AliasUsed(node.start_mark)
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, yaml.MappingNode):  # pragma: no cover - guarded by the resolver
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping node, but found {node.id}", node.start_mark
            )
        mapping: dict[Any, Any] = {}
        seen: dict[Any, yaml.Mark] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    "found an unhashable key (a list or mapping used as a key)",
                    key_node.start_mark,
                ) from None
            if key in seen:
                raise _DuplicateKey(key, key_node.start_mark, seen[key])
            seen[key] = key_node.start_mark
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


def _construct_str(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(node.value)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_str)
# `!!binary` and other exotic tags stay errors (SafeLoader refuses unknown tags).


_BAD_UTF8 = re.compile(rb"[\x80-\xff]")


def decode(data: bytes) -> str:
    """Decode UTF-8 (with optional BOM) or raise :class:`YamlProblem` with the position."""
    if len(data) > MAX_BYTES:
        raise YamlProblem(
            "P006",
            f"file is {len(data):,} bytes, larger than the {MAX_BYTES:,}-byte limit for a bank file;"
            " an item is a few kilobytes, so check that this is the file you meant",
        )
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise YamlProblem(
            "P005",
            "file contains NUL bytes: it looks binary, not YAML text; save it as UTF-8 text",
            line,
            1,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlProblem(
            "P005",
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); re-save it with UTF-8 encoding",
            line,
            col,
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def _mark_pos(mark: yaml.Mark | None) -> tuple[int, int]:
    if mark is None:
        return 0, 0
    return mark.line + 1, mark.column + 1


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_scalar_owner(lines: list[str], n: int) -> tuple[int, int] | None:
    """If line ``n`` (0-based) follows the text of a block scalar (``key: |`` or ``>``) and is
    indented less than that text, the (0-based line, indent of its text) of the block."""
    for k in range(n - 1, -1, -1):
        s = lines[k].rstrip()
        if not s.strip():
            continue
        if s.endswith(("|", ">", "|-", ">-", "|+", ">+")) and ":" in s:
            body = next((lines[j] for j in range(k + 1, n) if lines[j].strip()), None)
            if body is not None and _indent(lines[n]) < _indent(body):
                return k, _indent(body)
            return None
        if _indent(lines[k]) <= _indent(lines[n]):
            return None
    return None


def explain_syntax_error(text: str, exc: yaml.MarkedYAMLError) -> tuple[int, int, str]:
    """The line an author must change and a plain-words explanation of a YAML syntax error.

    The parser often notices a problem on the line after the one to fix (a stem line indented
    too little is reported where the parser gave up); the context mark and the shape of the
    text around it find the line to change."""
    lines = text.splitlines()
    line, col = _mark_pos(exc.problem_mark or exc.context_mark)
    ctx_line, ctx_col = _mark_pos(exc.context_mark)
    if ctx_line and ctx_line < line:
        line, col = ctx_line, ctx_col
    what = exc.problem or "invalid YAML"
    if exc.context:
        what = f"{exc.context}: {what}"
    n = line - 1
    plain = ""
    if 0 <= n < len(lines):
        src = lines[n]
        owner = _block_scalar_owner(lines, n)
        if "\t" in src[: len(src) - len(src.lstrip())]:
            plain = "this line is indented with a tab; YAML indents with spaces only"
        elif owner is not None:
            key = lines[owner[0]].split(":", 1)[0].strip()
            plain = (
                f"this line is indented less than the text above it, so it ends the"
                f" '{key}' block started on line {owner[0] + 1}; indent it by"
                f" {owner[1]} spaces like the lines above"
            )
            col = 1
        elif "flow sequence" in what or "flow mapping" in what:
            bracket = "[" if "sequence" in what else "{"
            plain = (
                f"the '{bracket}' on this line opens a list or mapping that is never closed;"
                f" close it, or put the whole value in quotes if the '{bracket}' is text"
            )
        elif "mapping values are not allowed" in what:
            plain = (
                "this value contains ': ' (a colon and a space); put the whole value in"
                ' quotes, e.g. text: "..."'
            )
        elif "found character '`'" in what or "cannot start any token" in what:
            plain = "a value starting with ` or @ must be quoted; put the whole value in quotes"
    message = f"YAML syntax error: {plain or what}" + (
        f" (parser: {what})" if plain else "; fix the indentation, quoting or punctuation here"
    )
    return line, col, message


def load_text(text: str) -> Any:
    """Parse one YAML document from ``text``; raise :class:`YamlProblem` on any problem."""
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise YamlProblem("P003", "file is empty; an item file must contain a YAML mapping", 1, 1)
    try:
        docs = list(yaml.load_all(text, Loader=_Loader))
    except _AliasUsed as exc:
        raise YamlProblem(
            "P007",
            "YAML aliases (*name) are not allowed in bank files; write the value out in full"
            " (the anchored value starts here)",
            *_mark_pos(exc.mark),
        ) from None
    except _DuplicateKey as exc:
        line, col = _mark_pos(exc.mark)
        first_line, _ = _mark_pos(exc.first)
        raise YamlProblem(
            "P002",
            f"duplicate key {exc.key!r} (first defined on line {first_line}); remove one of them",
            line,
            col,
        ) from None
    except yaml.MarkedYAMLError as exc:
        line, col, message = explain_syntax_error(text, exc)
        raise YamlProblem("P001", message, line, col) from None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise YamlProblem("P001", f"YAML syntax error: {exc}", 1, 1) from None
    except RecursionError:
        raise YamlProblem("P001", "YAML nesting is too deep", 1, 1) from None
    if len(docs) != 1:
        raise YamlProblem(
            "P001",
            f"file holds {len(docs)} YAML documents (separated by '---'); put one item per file",
            1,
            1,
        )
    return docs[0]


_UNREAD = object()


class YamlDocument:
    """A parsed YAML file: its text, its data, and positions of values on demand.

    A document made by :meth:`from_file` (an unchanged file known from the cache) reads its
    text only when something asks for it, e.g. a position for a diagnostic.
    """

    __slots__ = ("_data", "_fs_path", "_root", "_text", "path")

    def __init__(self, path: str, text: str, data: Any) -> None:
        self.path = path
        self._data = data
        self._text: str | None = text
        self._fs_path: str | None = None
        self._root: yaml.Node | None = None

    @classmethod
    def from_file(cls, path: str, fs_path: str) -> YamlDocument:
        """A document whose text is read from ``fs_path`` (and parsed) when first needed."""
        doc = cls(path, "", _UNREAD)
        doc._text = None
        doc._fs_path = fs_path
        return doc

    @property
    def data(self) -> Any:
        if self._data is _UNREAD:
            try:
                self._data = load_text(self.text)
            except YamlProblem:
                self._data = None
        return self._data

    @property
    def text(self) -> str:
        if self._text is None:
            try:
                with open(self._fs_path or self.path, "rb") as fh:
                    self._text = decode(fh.read())
            except (OSError, YamlProblem):
                self._text = ""
        return self._text

    def __repr__(self) -> str:
        return f"YamlDocument(path={self.path!r})"

    def _node(self) -> yaml.Node | None:
        if self._root is None:
            self._root = yaml.compose(self.text, Loader=_BaseLoader)
        return self._root

    def position(self, path: Sequence[PathPart], key: bool = False) -> tuple[int, int]:
        """(line, column), 1-based, of the value at ``path`` (or of its key if ``key``).

        Falls back to the nearest existing ancestor when the path does not exist
        (for example, a missing field is reported at the mapping that lacks it).
        """
        node = self._node()
        if node is None:
            return 1, 1
        best = node.start_mark
        for part in path:
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == str(part):
                        best = k.start_mark if key and part == path[-1] else v.start_mark
                        node = v
                        break
                else:
                    break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if 0 <= part < len(node.value):
                    node = node.value[part]
                    best = node.start_mark
                else:
                    break
            else:
                break
        return best.line + 1, best.column + 1


def read_yaml(path: str, data: bytes) -> YamlDocument:
    """Decode and parse ``data`` read from ``path``; raise :class:`YamlProblem`."""
    text = decode(data)
    return YamlDocument(path=path, text=text, data=load_text(text))


# ---------------------------------------------------------------- writing


class _BlockDumper(_Dumper):  # type: ignore[misc, valid-type]
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Block literals keep Markdown readable and diff line by line; PyYAML falls back to
    # a quoted style by itself when a literal cannot represent the text exactly.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _str_representer)


def dump(data: Any) -> str:
    """Deterministic YAML: insertion order kept, block literals for multi-line text."""
    return yaml.dump(
        data,
        Dumper=_BlockDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
        indent=2,
    )


def read_yaml_file(path: str | Path, what: str = "file") -> YamlDocument:
    """Read and parse the YAML file ``path`` (a specification, a form, ...); raise
    :class:`~toolkit.errors.DataError` (with the file, line and column) or
    :class:`~toolkit.errors.UsageError` (missing file) instead of :class:`YamlProblem`."""
    from .diagnostics import Diagnostic, Severity
    from .errors import DataError, UsageError

    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{p}: {what} not found") from None
    except IsADirectoryError:
        raise UsageError(f"{p}: is a folder; give the {what} itself") from None
    try:
        return read_yaml(str(p), raw)
    except YamlProblem as exc:
        d = Diagnostic(str(p), exc.line, exc.column, exc.code, Severity.ERROR, exc.message)
        raise DataError(f"{p}: cannot read the {what}", [d]) from None
