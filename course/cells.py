"""Cell-by-cell checks for tables a person types or uploads (used by B2 to B5).

Each check raises `UserError` whose message names the cell the way a person counts:
"Row 3, column 'cost': '-5' is not a valid cost ...". Row 1 is the first data row,
below the header. Messages come from the catalogue (`cells.error.*`).
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import pandas as pd

from course.errors import UserError
from course.messages import t


def at(row: int, column: str, problem: str) -> str:
    """The one wording for a problem in one cell: "Row <row>, column '<column>': <problem>"."""
    return t("cells.error.at", row=row, column=column, problem=problem)


def cell_error(row: int, column: str, key: str, **values: Any) -> UserError:
    """Return a UserError for one cell, its problem given by a message key."""
    return UserError(at(row, column, t(key, **values)))


def is_blank(value: Any) -> bool:
    """True for None, NaN, pandas' missing values and text made only of spaces."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        if pd.isna(value):
            return True
    except (TypeError, ValueError):
        pass
    return isinstance(value, str) and not value.strip()


def text(value: Any) -> str:
    """Return a cell as trimmed text ("" for a blank cell)."""
    return "" if is_blank(value) else str(value).strip()


def number(value: Any, row: int, column: str) -> float:
    """Return a cell as a finite number, or raise a UserError naming the cell."""
    if is_blank(value):
        raise cell_error(row, column, "cells.error.blank")
    if isinstance(value, bool):
        raise cell_error(row, column, "cells.error.not_a_number", value=value)
    try:
        result = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise cell_error(row, column, "cells.error.not_a_number", value=value) from None
    if not math.isfinite(result):
        raise cell_error(row, column, "cells.error.not_a_number", value=value)
    return result


def score(value: Any, row: int, column: str, low: int, high: int, whole: bool = False) -> float:
    """Return a cell as a score from `low` to `high` (a whole number if `whole`)."""
    result = number(value, row, column)
    if not low <= result <= high:
        raise cell_error(row, column, "cells.error.score", value=value, low=low, high=high)
    if whole and not result.is_integer():
        raise cell_error(row, column, "cells.error.whole_score", value=value, low=low, high=high)
    return result


def tidy(numbers: list[float]) -> list[float] | list[int]:
    """Whole numbers as int (4, not 4.0); any fraction keeps the list as float."""
    return [int(n) for n in numbers] if all(float(n).is_integer() for n in numbers) else numbers


def frame(table: Any, required: Iterable[str], what: str) -> pd.DataFrame:
    """Return a copy of `table` with trimmed column names and a fresh index.

    Raises UserError if it is not a DataFrame, lacks a required column or has no rows.
    `what` is the catalogue key of the table's name in messages ("the initiative table").
    """
    if not isinstance(table, pd.DataFrame):
        raise UserError(t("cells.error.not_a_table", what=t(what)))
    copy = table.copy()
    copy.columns = [str(c).strip() for c in copy.columns]
    required = list(required)
    missing = [c for c in required if c not in copy.columns]
    if missing:
        raise UserError(
            t(
                "cells.error.missing_columns",
                what=t(what),
                missing=", ".join(missing),
                required=", ".join(required),
            )
        )
    if copy.empty:
        raise UserError(t("cells.error.empty", what=t(what)))
    return copy.reset_index(drop=True)


def read_csv(path_or_buffer: str | os.PathLike | IO) -> pd.DataFrame:
    """Read a CSV file (path or open file) as text cells; blank cells stay "" for the checks."""
    try:
        return pd.read_csv(path_or_buffer, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(t("cells.error.no_file", path=path_or_buffer)) from None
    except pd.errors.EmptyDataError:
        raise UserError(t("cells.error.empty_file")) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise UserError(t("cells.error.bad_csv", detail=str(error).strip())) from None


XLSX_MAGIC = b"PK\x03\x04"  # an .xlsx file is a zip archive
XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary Excel format (.xls)


def is_xlsx(name: str, content: bytes = b"") -> bool:
    """True for an Excel workbook: a name ending in .xlsx, or content that starts like one."""
    return str(name).lower().endswith(".xlsx") or bytes(content[:4]) == XLSX_MAGIC


def _cell_text(value: Any) -> str:
    """One spreadsheet cell as the text a CSV file would hold (whole numbers without ".0")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def read_xlsx(
    source: str | os.PathLike | IO[bytes] | bytes, sheet: str | None = None
) -> pd.DataFrame:
    """Read one sheet of an Excel workbook (.xlsx) as text cells, like `read_csv` reads a CSV file.

    The sheet named `sheet` if the workbook has one, else the first sheet. Row 1 is the
    header; empty rows are left out; numbers become text as a CSV file would hold them
    (3, 2.5), so the same checks apply. A file that is not an .xlsx workbook, or is
    damaged, raises one readable UserError.
    """
    from openpyxl import load_workbook

    if isinstance(source, str | os.PathLike):
        if not Path(source).is_file():
            raise UserError(t("cells.error.no_file", path=source))
        source = Path(source).read_bytes()
    if isinstance(source, bytes | bytearray | memoryview):
        if bytes(source[:4]) == XLS_MAGIC:
            raise UserError(t("cells.error.old_xls"))
        source = io.BytesIO(bytes(source))
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # a damaged or foreign file: zip, XML and openpyxl's own errors
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UserError(t("cells.error.bad_xlsx", detail=detail)) from None
    try:
        name = sheet if sheet in book.sheetnames else book.sheetnames[0]
        rows = [[_cell_text(v) for v in row] for row in book[name].iter_rows(values_only=True)]
    finally:
        book.close()
    rows = [row for row in rows if any(row)]
    if not rows:
        raise UserError(t("cells.error.empty_sheet", sheet=name))
    header = rows[0]
    width = max(i + 1 for i, column in enumerate(header) if column) if any(header) else 0
    body = [(row + [""] * width)[:width] for row in rows[1:]]
    return pd.DataFrame(body, columns=header[:width], dtype=str)


def read_table(
    source: str | os.PathLike | IO | bytes, name: str = "", sheet: str | None = None
) -> pd.DataFrame:
    """Read a table from a CSV file or an Excel workbook (.xlsx), as text cells.

    `source` is a path, an open file or the file's bytes (e.g. from an upload); `name` is
    the file's name when `source` has none. Excel: see `read_xlsx` (`sheet`).
    """
    if isinstance(source, str | os.PathLike):
        name = str(source)
        if Path(source).is_file():
            with open(source, "rb") as handle:
                start = handle.read(4)
            if is_xlsx(name, start) or start == XLS_MAGIC:
                return read_xlsx(source, sheet)
        return read_csv(source)
    if isinstance(source, bytes | bytearray | memoryview):
        content = bytes(source)
        if is_xlsx(name, content) or content[:4] == XLS_MAGIC:
            return read_xlsx(content, sheet)
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UserError(t("cells.error.not_utf8", name=name or "?")) from None
        return read_csv(io.StringIO(text))
    return read_csv(source)


def write_text(content: str, path: str | os.PathLike) -> Path:
    """Write `content` to `path` through a temporary file, so no half-written file is left."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(content, encoding="utf-8")
    tmp.replace(path)
    return path
