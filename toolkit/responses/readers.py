"""Readers for response files. Every problem is a Diagnostic with the file and row.

Formats:

- ``long``: one row per candidate and item: ``candidate_id``, ``item_id``, ``response``
  (the selected option id; for multiple_select the ids joined by ``;``; empty = omitted),
  optional ``form_id`` and ``item_version``; any other column is a candidate covariate.
- ``wide``: one row per candidate: ``candidate_id``, covariates, and one column per item id
  holding the response as in ``long`` (an absent value = not administered, ``-`` = omitted).
- ``scored``: like ``wide`` but the item columns hold 1, 0 or empty (= not administered).

CSV (UTF-8) and Parquet (``.parquet``) are read; row numbers are file lines for CSV (the
header is line 1) and 1-based row indexes for Parquet.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..diagnostics import Diagnostic, Severity
from ..errors import DataError
from .cells import CellRules, factorize, short

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from ..bank.store import Bank

FORMATS = ("long", "wide", "scored")
LONG_REQUIRED = ("candidate_id", "item_id", "response")
RESERVED = {"candidate_id", "item_id", "response", "form_id", "item_version"}
OMIT_MARK = "-"
_ITEM_ID = re.compile(r"^[A-Za-z][A-Za-z0-9]{1,9}-[0-9]{4,}$")


class ResponseFileError(DataError):
    """The file cannot be read at all; ``diagnostics`` say where and why."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(
            diagnostics[0].message if diagnostics else "bad response file", diagnostics
        )


@dataclass
class ResponseData:
    """Long-format responses after reading and checking: one row per administered item."""

    frame: pd.DataFrame  # candidate_id, item_id, response, form_id, item_version, row
    covariates: pd.DataFrame  # candidate_id + covariate columns (one row per candidate)
    source: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    scored_input: bool = False  # True for the `scored` format (response holds 1/0)


def _diag(path: str, line: int, code: str, msg: str) -> Diagnostic:
    return Diagnostic(path, line, 0, code, Severity.ERROR, msg)


def detect_encoding(head: bytes) -> str | None:
    """The text encoding of a file from its first bytes: a BOM (UTF-8, UTF-16), the NUL pattern
    of BOM-less UTF-16, else UTF-8; None for binary data."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        if odd and odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le"
        if even and even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be"
        return None
    return "utf-8"


def sniff_delimiter(text: str, candidates: str = ",;\t|") -> str:
    """The field separator of a CSV text: the candidate that occurs most often in the header
    line (comma when none does)."""
    header = text.splitlines()[0] if text else ""
    counts = {c: header.count(c) for c in candidates}
    best = max(counts, key=lambda c: (counts[c], c == ","))
    return best if counts[best] else ","


def _open_checks(path: Path, shown: str) -> tuple[str | None, bytes]:
    """Refuse a missing, empty or binary file; the encoding of a text file and its first bytes
    (encoding None for a Parquet file)."""
    if not path.is_file():
        raise ResponseFileError([_diag(shown, 0, "R008", "file not found")])
    if path.stat().st_size == 0:
        raise ResponseFileError(
            [_diag(shown, 0, "R008", "file is empty; expected a header row and data rows")]
        )
    if path.suffix.lower() == ".parquet":
        return None, b""
    with open(path, "rb") as fh:
        head = fh.read(65536)
    encoding = detect_encoding(head)
    if encoding is None:
        raise ResponseFileError(
            [
                _diag(
                    shown,
                    0,
                    "R008",
                    "file looks binary (NUL bytes, no UTF-16 pattern); expected CSV text"
                    " (UTF-8 or UTF-16) or a .parquet file",
                )
            ]
        )
    return encoding, head


def _read_table(path: Path, shown: str, sep: str | None = None) -> tuple[pd.DataFrame, int]:
    """Read CSV or Parquet as text columns; returns the frame and the line offset of row 0."""
    import pandas as pd

    encoding, head = _open_checks(path, shown)
    if path.suffix.lower() == ".parquet":
        import pyarrow as pa

        try:
            df = pd.read_parquet(path)
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise ResponseFileError(
                [_diag(shown, 0, "R008", f"cannot read Parquet: {exc}")]
            ) from None
        df = df.astype(object).where(df.notna(), "").astype(str)
        return df, 1
    assert encoding is not None
    try:
        text_head = head.decode(encoding, errors="ignore")
        delimiter = sep or sniff_delimiter(text_head)
        df = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            encoding=encoding,
            sep=delimiter,
            skipinitialspace=True,
        )
    except UnicodeDecodeError as exc:
        raise ResponseFileError(
            [
                _diag(
                    shown,
                    0,
                    "R008",
                    f"file is not {encoding} text ({exc.reason} at byte {exc.start}); re-save"
                    " it as UTF-8 CSV (in a spreadsheet: Save as > CSV UTF-8)",
                )
            ]
        ) from None
    except pd.errors.EmptyDataError:
        raise ResponseFileError([_diag(shown, 0, "R008", "file has no columns")]) from None
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = int(m.group(1)) if m else 0
        m2 = re.search(r"Expected (\d+) fields in line \d+, saw (\d+)", str(exc))
        what = (
            f"this row has {m2.group(2)} fields, the header {m2.group(1)}"
            if m2
            else str(exc).strip()
        )
        raise ResponseFileError(
            [
                _diag(
                    shown,
                    line,
                    "R008",
                    f"malformed CSV ({what}; field separator {delimiter!r}): quote fields"
                    " that contain the separator, or give the separator with --sep",
                )
            ]
        ) from None
    df.columns = [str(c).strip() for c in df.columns]
    return df, 2


def _check_columns(df: pd.DataFrame, required: tuple[str, ...], shown: str) -> None:
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ResponseFileError(
            [
                _diag(
                    shown,
                    1,
                    "R001",
                    f"missing column(s) {', '.join(missing)}; the header has"
                    f" {', '.join(map(str, df.columns)) or 'no columns'}",
                )
            ]
        )
    if df.empty:
        raise ResponseFileError([_diag(shown, 1, "R008", "file has a header but no data rows")])


def read_responses(
    path: str | Path,
    fmt: str,
    bank: Bank | None = None,
    shown: str | None = None,
    sep: str | None = None,
) -> ResponseData:
    """Read a response file in format ``fmt`` and check it against ``bank``.

    Row-level problems are collected in ``ResponseData.diagnostics``; a file that cannot
    be read at all raises :class:`ResponseFileError`.
    """
    import pandas as pd

    path = Path(path)
    shown = shown or str(path)
    if fmt not in FORMATS:
        raise ResponseFileError(
            [_diag(shown, 0, "R010", f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")]
        )
    df, offset = _read_table(path, shown, sep)
    if fmt == "long":
        _check_columns(df, LONG_REQUIRED, shown)
        long = df.copy()
        long["row"] = range(offset, offset + len(df))
        cov_cols = [c for c in df.columns if c not in RESERVED]
    else:
        _check_columns(df, ("candidate_id",), shown)
        item_cols = [c for c in df.columns if bank is not None and c in bank.by_id]
        if bank is not None:
            lookalike = [c for c in df.columns if c not in bank.by_id and _ITEM_ID.match(c)]
            if lookalike:
                upper = {i.upper(): i for i in bank.by_id}
                raise ResponseFileError(
                    [
                        _diag(
                            shown,
                            1,
                            "R003",
                            f"column '{c}' looks like an item id but is not an item of the bank"
                            + (
                                f" (did you mean '{upper[c.upper()]}'?)"
                                if c.upper() in upper
                                else ""
                            )
                            + "; rename or remove the column",
                        )
                        for c in lookalike
                    ]
                )
        if bank is None:
            item_cols = [c for c in df.columns if c not in {"candidate_id", "form_id"}]
        if not item_cols:
            raise ResponseFileError(
                [
                    _diag(
                        shown,
                        1,
                        "R003",
                        "no column names an item of the bank; item columns must be item ids",
                    )
                ]
            )
        cov_cols = [c for c in df.columns if c not in item_cols and c not in RESERVED]
        keep = ["candidate_id"] + (["form_id"] if "form_id" in df.columns else [])
        tmp = df[keep + item_cols].copy()
        tmp["row"] = range(offset, offset + len(df))
        long = tmp.melt(
            id_vars=[*keep, "row"], value_vars=item_cols, var_name="item_id", value_name="response"
        )
        long = long[long["response"].astype(str).str.strip() != ""]
        if fmt == "wide":
            long.loc[long["response"].str.strip() == OMIT_MARK, "response"] = ""
    for col in ("form_id", "item_version"):
        if col not in long.columns:
            long[col] = ""
    long = long[["candidate_id", "item_id", "response", "form_id", "item_version", "row"]].copy()
    for col in ("candidate_id", "item_id", "response", "form_id", "item_version"):
        long[col] = long[col].astype(str).str.strip()
    # Parquet stores a nullable integer column as float: "1.0" is version 1; "nan" is blank.
    long["item_version"] = long["item_version"].str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    long.loc[long["item_version"].isin(["nan", "None", "<NA>"]), "item_version"] = ""
    diags = _check_rows(long, bank, shown, scored=fmt == "scored")
    bad_rows = {d.line for d in diags}
    long = long[~long["row"].isin(bad_rows)] if bad_rows else long
    covs = (
        df[["candidate_id", *cov_cols]].drop_duplicates("candidate_id").copy()
        if cov_cols
        else pd.DataFrame({"candidate_id": df["candidate_id"].drop_duplicates()})
    )
    return ResponseData(
        long.reset_index(drop=True),
        covs.reset_index(drop=True),
        shown,
        diags,
        scored_input=fmt == "scored",
    )


def _check_rows(
    long: pd.DataFrame, bank: Bank | None, shown: str, scored: bool
) -> list[Diagnostic]:
    """Row-level problems, found with vectorized checks (a response is a (row, item) pair:
    in the wide layout one line holds many items)."""
    out: list[Diagnostic] = []
    for row in long.loc[long["candidate_id"] == "", "row"]:
        out.append(_diag(shown, int(row), "R007", "empty candidate_id"))
    dup = long.duplicated(["candidate_id", "item_id"], keep="first")
    if dup.any():
        first = long.drop_duplicates(["candidate_id", "item_id"]).set_index(
            ["candidate_id", "item_id"]
        )["row"]
        for _, r in long[dup].iterrows():
            out.append(
                _diag(
                    shown,
                    int(r["row"]),
                    "R002",
                    f"candidate {short(r['candidate_id'])} has a second row for item"
                    f" {short(r['item_id'])} (first on row"
                    f" {first[(r['candidate_id'], r['item_id'])]}); keep one response"
                    " per candidate and item",
                )
            )
    if bank is None:
        return out
    out.extend(check_cells(long, CellRules(bank, scored_input=scored), shown))
    return out


def check_cells(long: pd.DataFrame, rules: CellRules, shown: str) -> list[Diagnostic]:
    """R003 to R006 and R009 of each (item, version, response) cell of ``long``, in row order;
    each distinct cell is judged once."""
    import pyarrow as pa

    codes, distinct = factorize(
        [pa.array(long[c].tolist(), pa.string()) for c in ("item_id", "item_version", "response")]
    )
    verdicts = [rules.check(*d) for d in distinct]
    bad = np.array([v is not None for v in verdicts], bool)
    rows = long["row"].to_numpy()
    out = []
    for k in np.flatnonzero(bad[codes]) if len(distinct) else []:
        verdict = verdicts[codes[k]]
        assert verdict is not None
        out.append(_diag(shown, int(rows[k]), *verdict))
    return sorted(out, key=lambda d: d.line)


# Chunked reading of long files ---------------------------------------------------------------

BATCH_BYTES = 1 << 20  # CSV block size: about 25,000 rows of a typical long file; Arrow's
# streaming reader holds more memory with larger blocks (measured: 8 MB blocks hold 4x more)
PARQUET_BATCH_ROWS = 200_000
MAX_MALFORMED = 10_000


@dataclass
class Batch:
    """A slice of a long file: stripped text columns (Arrow arrays; a missing optional column
    is all '') and the row number of each row (file line for CSV, 1-based row for Parquet)."""

    columns: dict[str, pa.Array]
    rows: np.ndarray


class LongBatches:
    """A long response file read in batches with bounded memory: CSV through Arrow's streaming
    reader (``pyarrow.csv.open_csv``), Parquet by record batches of its row groups.

    The header is checked when the object is made (R001, R008 raised as
    :class:`ResponseFileError`). Iterating yields :class:`Batch` objects. Malformed CSV rows
    (a wrong number of fields) are skipped and recorded in ``problems`` (R008, with their line)
    so that every one is reported; text that is not valid in the file's encoding stops the read
    with the line of the first bad row.
    """

    def __init__(self, path: str | Path, shown: str | None = None, sep: str | None = None) -> None:
        self.path = Path(path)
        self.shown = shown or str(path)
        self.problems: list[Diagnostic] = []
        self._skipped: list[int] = []
        self.encoding, head = _open_checks(self.path, self.shown)
        self.parquet = self.encoding is None
        if self.parquet:
            self.names = self._parquet_names()
            self.delimiter = ""
        else:
            assert self.encoding is not None
            text = head.decode(self.encoding, errors="ignore").lstrip("\ufeff")
            self.delimiter = sep or sniff_delimiter(text)
            import csv

            first = next(
                csv.reader([text.splitlines()[0] if text else ""], delimiter=self.delimiter), []
            )
            self.names = list(first)
        stripped = [n.strip() for n in self.names]
        missing = [c for c in LONG_REQUIRED if c not in stripped]
        if missing:
            raise ResponseFileError(
                [
                    _diag(
                        self.shown,
                        1,
                        "R001",
                        f"missing column(s) {', '.join(missing)}; the header has"
                        f" {', '.join(stripped) or 'no columns'}",
                    )
                ]
            )
        self.covariates = [c for c in stripped if c not in RESERVED]

    @property
    def malformed(self) -> int:
        """Malformed CSV rows skipped so far (``problems`` keeps the first 1,000)."""
        return len(self._skipped)

    # -- Parquet ------------------------------------------------------------------------
    def _parquet_file(self):  # type: ignore[no-untyped-def]
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            return pq.ParquetFile(self.path)
        except (pa.ArrowException, OSError) as exc:
            raise ResponseFileError(
                [_diag(self.shown, 0, "R008", f"cannot read Parquet: {exc}")]
            ) from None

    def _parquet_names(self) -> list[str]:
        return list(self._parquet_file().schema_arrow.names)

    def _parquet_batches(self) -> Iterator[tuple[pa.RecordBatch, np.ndarray]]:
        import pyarrow as pa

        pf = self._parquet_file()
        if pf.metadata.num_rows == 0:
            raise ResponseFileError([_diag(self.shown, 1, "R008", "file has no data rows")])
        start = 1
        try:
            for batch in pf.iter_batches(batch_size=PARQUET_BATCH_ROWS):
                yield batch, np.arange(start, start + batch.num_rows, dtype=np.int64)
                start += batch.num_rows
        except (pa.ArrowException, OSError) as exc:
            raise ResponseFileError(
                [_diag(self.shown, start, "R008", f"cannot read Parquet: {exc}")]
            ) from None

    # -- CSV ----------------------------------------------------------------------------
    def _invalid_row(self, row) -> str:  # type: ignore[no-untyped-def]
        if row.number is None:  # pragma: no cover - only with threaded parsing
            return "error"
        self._skipped.append(int(row.number))
        if len(self._skipped) > MAX_MALFORMED:  # not a file of this layout: stop here
            return "error"
        if len(self.problems) < 1000:
            self.problems.append(
                _diag(
                    self.shown,
                    int(row.number),
                    "R008",
                    f"malformed CSV (this row has {row.actual_columns} fields, the header"
                    f" {row.expected_columns}; field separator {self.delimiter!r}): quote fields"
                    " that contain the separator, or give the separator with --sep",
                )
            )
        return "skip"

    def _csv_batches(self) -> Iterator[tuple[pa.RecordBatch, np.ndarray]]:

        enc = "utf8" if self.encoding in ("utf-8", "utf-8-sig") else self.encoding
        # Arrow decodes a malformed row's text before it calls the handler; when that text is
        # not UTF-8 the decoding error is "unraisable" (printed with a traceback) and the read
        # stops. Keep it off the user's screen: the read error says what is wrong.
        previous = sys.unraisablehook

        def hook(u):  # type: ignore[no-untyped-def]
            if not isinstance(u.exc_value, UnicodeDecodeError):
                previous(u)

        sys.unraisablehook = hook
        try:
            yield from self._csv_batches_of(enc)
        finally:
            sys.unraisablehook = previous

    def _csv_batches_of(self, enc: str) -> Iterator[tuple[pa.RecordBatch, np.ndarray]]:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        try:
            reader = pacsv.open_csv(
                self.path,
                read_options=pacsv.ReadOptions(
                    block_size=BATCH_BYTES, encoding=enc, use_threads=False
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=self.delimiter,
                    newlines_in_values=True,
                    invalid_row_handler=self._invalid_row,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.binary() for n in self.names},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except pa.ArrowInvalid as exc:
            raise self._csv_error(exc, 2) from None
        next_row = 2  # the header is line 1
        seen_rows = False
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except pa.ArrowInvalid as exc:
                raise self._csv_error(exc, next_row) from None
            rows = np.arange(next_row, next_row + batch.num_rows, dtype=np.int64)
            for s in sorted(x for x in self._skipped if x >= next_row):
                rows[rows >= s] += 1
            if batch.num_rows:
                seen_rows = True
                next_row = int(rows[-1]) + 1
            yield batch, rows
        if not seen_rows and not self._skipped:
            raise ResponseFileError(
                [_diag(self.shown, 1, "R008", "file has a header but no data rows")]
            )

    def _csv_error(self, exc: Exception, near: int) -> ResponseFileError:
        msg = str(exc).strip()
        m = re.search(r"Row #(\d+): Expected (\d+) columns, got (\d+)", msg)
        if m:
            text = (
                f"malformed CSV (this row has {m.group(3)} fields, the header {m.group(2)};"
                f" field separator {self.delimiter!r}), and it is not valid {self.encoding}"
                " text: re-save the file as UTF-8 CSV and quote fields that contain the separator"
            )
            return ResponseFileError([_diag(self.shown, int(m.group(1)), "R008", text)])
        if len(self._skipped) > MAX_MALFORMED:
            msg = f"more than {MAX_MALFORMED} malformed rows; is {self.delimiter!r} the separator?"
        return ResponseFileError(
            [
                _diag(
                    self.shown,
                    near,
                    "R008",
                    f"cannot read the CSV at or after this row ({msg}; field separator"
                    f" {self.delimiter!r}); give the separator with --sep if it is another one",
                )
            ]
        )

    # -- Both ---------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Batch]:
        import pyarrow as pa
        import pyarrow.compute as pc

        source = self._parquet_batches() if self.parquet else self._csv_batches()
        wanted = [*LONG_REQUIRED, "form_id", "item_version", *self.covariates]
        for batch, rows in source:
            cols: dict[str, pa.Array] = {}
            by_name = {n.strip(): batch.column(k) for k, n in enumerate(batch.schema.names)}
            for name in wanted:
                raw = by_name.get(name)
                if raw is None:
                    cols[name] = pa.array([""] * batch.num_rows, pa.string())
                    continue
                cols[name] = pc.utf8_trim_whitespace(self._text(name, raw, rows))
            ver = cols["item_version"]
            # Parquet stores a nullable integer column as float: "1.0" is version 1.
            ver = pc.replace_substring_regex(ver, r"^(\d+)\.0+$", r"\1")
            blank = pc.is_in(ver, pa.array(["nan", "None", "<NA>"]))
            cols["item_version"] = pc.if_else(blank, "", ver)
            yield Batch(cols, rows)

    def _text(self, name: str, raw: pa.Array, rows: np.ndarray) -> pa.Array:
        """A column as UTF-8 text ('' for null); a row that is not valid text is an R008."""
        import pyarrow as pa
        import pyarrow.compute as pc

        try:
            if pa.types.is_binary(raw.type):
                return pc.cast(raw, pa.string())
            return pc.fill_null(pc.cast(raw, pa.string()), "")
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            if pa.types.is_binary(raw.type):
                for k, value in enumerate(raw.to_pylist()):
                    try:
                        value.decode("utf-8")
                    except UnicodeDecodeError as err:
                        raise ResponseFileError(
                            [
                                _diag(
                                    self.shown,
                                    int(rows[k]),
                                    "R008",
                                    f"column {name} is not {self.encoding} text ({err.reason});"
                                    " re-save the file as UTF-8 CSV (in a spreadsheet: Save as"
                                    " > CSV UTF-8)",
                                )
                            ]
                        ) from None
            raise ResponseFileError(
                [
                    _diag(
                        self.shown,
                        int(rows[0]) if len(rows) else 0,
                        "R008",
                        f"column {name} of type {raw.type} cannot be read as text ({exc});"
                        " store ids and responses as strings or integers",
                    )
                ]
            ) from None
