"""Cleaning helpers for office tables: spellings, province names, amounts, gaps, duplicates, Excel."""

from __future__ import annotations

import io
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

import pandas as pd

from course.errors import UserError
from course.messages import t

#: Other spellings of the 18 provinces seen in documents and spreadsheets, by standard name
#: (the `name_en` of `course.data.provinces()`). Case, spaces, hyphens and accents are
#: ignored anyway, so "SE KONG" and "se-kong" need no entry of their own. A bare
#: "Vientiane" is left out on purpose: it could be the Capital or the Province.
PROVINCE_ALIASES: dict[str, tuple[str, ...]] = {
    "Vientiane Capital": ("Vientiane Prefecture", "Vientiane Municipality"),
    "Phongsaly": ("Phongsali",),
    "Luang Namtha": ("Louang Namtha", "Luangnamtha", "Louangnamtha"),
    "Oudomxay": ("Oudomxai", "Udomxai", "Oudomsay"),
    "Bokeo": (),
    "Luang Prabang": ("Louangphabang", "Louang Prabang", "Luangphabang"),
    "Houaphanh": ("Houaphan", "Huaphan", "Hua Phan", "Huaphanh"),
    "Xayaboury": ("Sainyabuli", "Sayaboury", "Xaignabouli", "Xayabury", "Sayabouri"),
    "Xiengkhouang": ("Xiangkhouang", "Xiangkhoang"),
    "Vientiane Province": (),
    "Borikhamxay": ("Bolikhamxai", "Bolikhamsai", "Borikhamxai"),
    "Khammouane": ("Khammouan", "Khammuan", "Khammuane"),
    "Savannakhet": ("Savanakhet", "Savannakhed"),
    "Xaisomboun": ("Xaysomboun", "Saysomboun", "Xaisomboune"),
    "Salavan": ("Saravane", "Saravan", "Salavane"),
    "Sekong": ("Xekong", "Xe Kong"),
    "Champasak": ("Champassak", "Champasack", "Champassack"),
    "Attapeu": ("Attapu", "Attopeu", "Attopu", "Attapue"),
}

_UNITS = re.compile(r"(?i)\b(kip|lak)\b|₭")
_SEPARATORS = re.compile(r"[,\s\u00a0\u202f']")
_SHOWN = 5  # how many problem values an error message lists


def fold(text: str) -> str:
    """Return `text` folded for matching: no accents, lower case, letters and digits only.

    >>> fold("  Se-Kong ")
    'sekong'
    """
    plain = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return "".join(ch for ch in plain.casefold() if ch.isalnum())


def is_blank(value: object) -> bool:
    """True for a missing value: None, NaN, pandas NA, or text that is empty or only spaces."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _require_series(values: object) -> pd.Series:
    if isinstance(values, pd.Series):
        return values
    raise UserError(t("tabular.error.not_a_column", kind=type(values).__name__))


def _require_table(table: object) -> pd.DataFrame:
    if isinstance(table, pd.DataFrame):
        return table
    raise UserError(t("tabular.error.not_a_table", kind=type(table).__name__))


def _listed(values: Iterable[object]) -> str:
    shown = [repr(v) for v in list(values)[:_SHOWN]]
    return ", ".join(shown)


def spelling_index(standard: Iterable[str], aliases: Mapping[str, str] | None = None) -> dict:
    """Return {folded spelling: standard name} for the standard names and their aliases.

    `aliases` maps another spelling to its standard name. Raises ValueError (an author's
    mistake, not a trainee's) when one folded spelling would point to two names.
    """
    names = list(standard)
    index: dict[str, str] = {}
    pairs = [(name, name) for name in names] + list((aliases or {}).items())
    for spelling, name in pairs:
        if name not in names:
            raise ValueError(f"alias {spelling!r} points to {name!r}, which is not a standard name")
        key = fold(spelling)
        if index.get(key, name) != name:
            raise ValueError(f"{spelling!r} would match both {index[key]!r} and {name!r}")
        index[key] = name
    return index


def unknown_values(
    values: pd.Series, standard: Iterable[str], aliases: Mapping[str, str] | None = None
) -> list[str]:
    """Return the distinct spellings in `values` that match no standard name (blanks are not listed)."""
    values = _require_series(values)
    index = spelling_index(standard, aliases)
    found = [v for v in values.dropna().unique() if not is_blank(v) and fold(v) not in index]
    return sorted(str(v) for v in found)


def standardise(
    values: pd.Series, standard: Iterable[str], aliases: Mapping[str, str] | None = None
) -> pd.Series:
    """Return `values` with every spelling replaced by its standard name; blanks stay missing.

    Matching ignores case, spaces, hyphens, dots and accents, so " finance " and "FINANCE"
    both become "Finance". `aliases` adds spellings that differ more (e.g. {"HR": "Personnel"}).
    Raises `UserError` naming the spellings that match nothing: a person must decide those.
    """
    values = _require_series(values)
    standard = list(standard)
    index = spelling_index(standard, aliases)
    unknown = unknown_values(values, standard, aliases)
    if unknown:
        raise UserError(
            t("tabular.error.unknown_spelling", count=len(unknown), spellings=_listed(unknown))
        )
    cleaned = [pd.NA if is_blank(v) else index[fold(v)] for v in values]
    return pd.Series(cleaned, index=values.index, name=values.name, dtype="str")


@cache
def _province_names() -> tuple[str, ...]:
    from course import data

    return tuple(data.provinces()["name_en"])


@cache
def province_aliases() -> dict[str, str]:
    """Return {other spelling: standard name} for the provinces, including Lao script and ISO codes."""
    from course import data

    table = data.provinces()
    aliases = {alias: name for name, others in PROVINCE_ALIASES.items() for alias in others}
    for name, lao, code in zip(table["name_en"], table["name_lo"], table["code"], strict=True):
        aliases[lao] = name
        aliases[code] = name
    return aliases


def unknown_provinces(values: pd.Series) -> list[str]:
    """Return the spellings in `values` that match none of the 18 provinces."""
    return unknown_values(values, _province_names(), province_aliases())


def clean_provinces(values: pd.Series) -> pd.Series:
    """Return province names in their standard spelling (`data.provinces()["name_en"]`).

    "Xekong", "SEKONG " and "Se Kong" all become "Sekong"; "Saravane" becomes "Salavan";
    "Vientiane Prefecture" becomes "Vientiane Capital". Blanks stay missing. Raises
    `UserError` naming any spelling that matches no province (e.g. a bare "Vientiane").
    """
    values = _require_series(values)
    unknown = unknown_provinces(values)
    if unknown:
        raise UserError(
            t("tabular.error.unknown_province", count=len(unknown), spellings=_listed(unknown))
        )
    return standardise(values, _province_names(), province_aliases())


def standard_province(name: str) -> str:
    """Return the standard spelling of one province name; `UserError` if it matches none."""
    return str(clean_provinces(pd.Series([name])).iloc[0])


def _number(text: str) -> float | None:
    plain = _SEPARATORS.sub("", _UNITS.sub("", text))
    try:
        return float(plain)
    except ValueError:
        return None


def to_number(values: pd.Series) -> pd.Series:
    """Return amounts typed as text ("3,250,000", "3 250 000 kip") as numbers; blanks stay missing.

    Commas, spaces and the words "kip"/"LAK" are removed; a dot is a decimal point. Raises
    `UserError` naming the values that are still not numbers (e.g. "three million").
    """
    values = _require_series(values)
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    numbers: list[float] = []
    bad: list[object] = []
    for value in values:
        if is_blank(value):
            numbers.append(float("nan"))
            continue
        number = None if isinstance(value, bool) else _number(str(value))
        if number is None:
            bad.append(value)
            number = float("nan")
        numbers.append(number)
    if bad:
        raise UserError(t("tabular.error.not_numbers", count=len(bad), values=_listed(bad)))
    return pd.Series(numbers, index=values.index, name=values.name, dtype="float64")


def missing_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Return, for each column, how many values are missing and what percent of the rows that is.

    Empty text and text of only spaces count as missing too. The result has one row per
    column of `table` (in the same order) and the columns `missing` and `percent`.
    """
    table = _require_table(table)
    counts = [int(sum(is_blank(v) for v in table[c])) for c in table.columns]
    rows = max(len(table), 1)
    summary = pd.DataFrame(
        {"missing": counts, "percent": [round(100 * n / rows, 1) for n in counts]},
        index=pd.Index([str(c) for c in table.columns], name="column"),
    )
    return summary


def _check_columns(table: pd.DataFrame, columns: Iterable[str]) -> list[str]:
    columns = [columns] if isinstance(columns, str) else list(columns)
    unknown = [c for c in columns if c not in table.columns]
    if unknown:
        raise UserError(
            t(
                "tabular.error.unknown_column",
                column=unknown[0],
                known=", ".join(map(str, table.columns)),
            )
        )
    return columns


def find_duplicates(table: pd.DataFrame, subset: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Return every row that appears more than once (all copies), sorted so copies sit together.

    With `subset` (a column name or a list of them), rows count as copies when they agree
    in those columns only, e.g. `subset="staff_id"`. The original row numbers are kept.
    """
    table = _require_table(table)
    columns = list(table.columns) if subset is None else _check_columns(table, subset)
    copies = table[table.duplicated(subset=columns, keep=False)]
    return copies.sort_values(columns, kind="stable", na_position="last")


def _existing_file(path: str | os.PathLike) -> Path:
    source = Path(path).expanduser()
    if not source.is_file():
        raise UserError(t("tabular.error.no_file", path=source))
    return source


def read_csv(path: str | os.PathLike) -> pd.DataFrame:
    """Read a CSV file (UTF-8, commas between cells) into a table.

    The same as `pandas.read_csv(path)`, with a plain message if the file is not there.
    """
    source = _existing_file(path)
    if source.suffix.lower() != ".csv":
        raise UserError(t("tabular.error.not_csv", path=source))
    return pd.read_csv(source, encoding="utf-8")


def excel_sheets(path: str | os.PathLike) -> list[str]:
    """Return the names of the sheets in an Excel workbook, in order."""
    from openpyxl import load_workbook

    source = _existing_file(path)
    if source.suffix.lower() != ".xlsx":
        raise UserError(t("tabular.error.not_xlsx", path=source))
    book = load_workbook(source, read_only=True)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def read_excel(
    path: str | os.PathLike, sheet: str | None = None, skip_rows: int = 0
) -> pd.DataFrame:
    """Read one sheet of an Excel workbook (.xlsx) into a table.

    `sheet` is the sheet's name (default: the first sheet); `skip_rows` is how many lines
    above the header to leave out, such as a title line. The same as
    `pandas.read_excel(path, sheet_name=sheet, skiprows=skip_rows)`, with plain messages.
    """
    names = excel_sheets(path)
    if sheet is not None and sheet not in names:
        raise UserError(t("tabular.error.no_sheet", sheet=sheet, known=", ".join(names)))
    return pd.read_excel(
        Path(path).expanduser(), sheet_name=names[0] if sheet is None else sheet, skiprows=skip_rows
    )


def output_folder() -> Path:
    """Return the folder for files a trainee makes ($DGT_OUTPUT, else ~/dgt-output); create it."""
    folder = Path(os.environ.get("DGT_OUTPUT") or Path.home() / "dgt-output").expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _shipped_data() -> Path:
    from course.data import FILES

    return FILES.resolve()


def write_excel(
    table: pd.DataFrame, path: str | os.PathLike, sheet: str = "data", note: str | None = None
) -> Path:
    """Write `table` to an Excel file (.xlsx) and return its path.

    The workbook is made in memory, written to a temporary name and then renamed, so a
    failure never leaves half a file. `note` (e.g. `data.synthetic_label(name)`) goes on a second sheet
    "about". Refuses to write into the course's own data folder, so shipped data is never
    overwritten.
    """
    table = _require_table(table)
    target = Path(path).expanduser()
    if target.suffix.lower() != ".xlsx":
        raise UserError(t("tabular.error.not_xlsx", path=target))
    if target.is_dir():
        raise UserError(t("tabular.error.is_folder", path=target))
    resolved = target.resolve()
    if resolved.is_relative_to(_shipped_data()):
        raise UserError(t("tabular.error.shipped_data", path=target))
    resolved.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=sheet, index=False)
        if note:
            pd.DataFrame({"about": [note]}).to_excel(writer, sheet_name="about", index=False)
    tmp = resolved.with_name(f".{resolved.name}.tmp")
    try:
        tmp.write_bytes(buffer.getvalue())
        tmp.replace(resolved)
    except PermissionError:
        raise UserError(t("tabular.error.cannot_write", path=target)) from None
    finally:
        tmp.unlink(missing_ok=True)
    return resolved
