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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, Severity
from ..errors import DataError
from ..vocab import ItemType

if TYPE_CHECKING:
    import pandas as pd

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


def _read_table(path: Path, shown: str, sep: str | None = None) -> tuple[pd.DataFrame, int]:
    """Read CSV or Parquet as text columns; returns the frame and the line offset of row 0."""
    import pandas as pd

    if not path.is_file():
        raise ResponseFileError([_diag(shown, 0, "R008", "file not found")])
    if path.stat().st_size == 0:
        raise ResponseFileError(
            [_diag(shown, 0, "R008", "file is empty; expected a header row and data rows")]
        )
    if path.suffix.lower() == ".parquet":
        try:
            df = pd.read_parquet(path)
        except (OSError, ValueError, ImportError) as exc:  # pyarrow's errors derive from these
            raise ResponseFileError(
                [_diag(shown, 0, "R008", f"cannot read Parquet: {exc}")]
            ) from None
        df = df.astype(object).where(df.notna(), "").astype(str)
        return df, 1
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
                    f"candidate {r['candidate_id']} has a second row for item"
                    f" {r['item_id']} (first on row"
                    f" {first[(r['candidate_id'], r['item_id'])]}); keep one response"
                    " per candidate and item",
                )
            )
    if bank is None:
        return out
    known = long["item_id"].isin(bank.by_id.keys())
    by_upper = {k.upper(): k for k in bank.by_id}
    for _, r in long[~known].iterrows():
        hint = by_upper.get(str(r["item_id"]).strip().upper())
        out.append(
            _diag(
                shown,
                int(r["row"]),
                "R003",
                f"unknown item '{r['item_id']}': no such item in the bank"
                + (f" (did you mean '{hint}'?)" if hint else ""),
            )
        )
    rows = long[known]
    if scored:
        bad = rows[~rows["response"].isin(["0", "1", "0.0", "1.0", ""])]
        for _, r in bad.iterrows():
            out.append(
                _diag(
                    shown,
                    int(r["row"]),
                    "R009",
                    f"score '{r['response']}' for item {r['item_id']} is not 1, 0 or empty",
                )
            )
        return out
    bad_version = (rows["item_version"] != "") & ~rows["item_version"].str.isdigit()
    for _, r in rows[bad_version].iterrows():
        out.append(
            _diag(
                shown,
                int(r["row"]),
                "R006",
                f"item_version '{r['item_version']}' is not a whole number",
            )
        )
    rows = rows[~bad_version & (rows["response"] != "")]
    if rows.empty:
        return out
    picks = rows[["row", "item_id"]].assign(option=rows["response"].str.split(";"))
    picks = picks.explode("option")
    picks["option"] = picks["option"].str.strip()
    picks = picks[picks["option"] != ""]
    valid = {(i.id, o.id) for i in bank.items for o in i.options}
    ok = [(it, op) in valid for it, op in zip(picks["item_id"], picks["option"], strict=True)]
    unknown = picks[[not v for v in ok]]
    bad: set[tuple[int, str]] = set()
    for (row, item_id), g in unknown.groupby(["row", "item_id"], sort=True):
        item = bank.by_id[item_id]
        ids = ", ".join(o.id for o in item.options)
        given = ", ".join(g["option"])
        option_ids = {o.id for o in item.options}
        hint = ""
        for sep in (",", "|", " "):
            parts = [p.strip() for p in given.split(sep)]
            if len(parts) > 1 and all(p in option_ids for p in parts):
                hint = f"; picks are joined by ';' (write {';'.join(parts)})"
                break
        out.append(
            _diag(
                shown,
                int(row),
                "R004",
                f"item {item.id} has no option {given} (options: {ids}){hint}",
            )
        )
        bad.add((int(row), item_id))
    multi = picks[picks.duplicated(["row", "item_id"], keep=False)]  # only multi-pick answers
    counts = multi.groupby(["row", "item_id"]).agg(
        n=("option", "size"), distinct=("option", "nunique")
    )
    types = counts.index.get_level_values("item_id").map(lambda i: bank.by_id[i].type)
    too_many = (types == "multiple_choice") & (counts["n"] > 1)
    repeated = ~too_many & (counts["distinct"] != counts["n"])
    for (row, item_id), r in counts[too_many | repeated].iterrows():
        if (int(row), item_id) in bad:
            continue
        if bank.by_id[item_id].type == ItemType.MULTIPLE_CHOICE and r["n"] > 1:
            out.append(
                _diag(
                    shown,
                    int(row),
                    "R005",
                    f"item {item_id} is multiple_choice but {r['n']} options were selected",
                )
            )
        else:
            out.append(
                _diag(
                    shown, int(row), "R005", f"the same option is selected twice for item {item_id}"
                )
            )
    return out
