"""Citizens' personal data (module A2): find it, keep only what is needed, mask or pseudonymise it.

Three habits: minimise (share only the columns and rows the task needs), protect (mask
or pseudonymise identifiers before a table leaves the office) and share only what is
needed. Pseudonymised data is still personal data while someone holds the secret key;
masking and pseudonymising lower the risk, they do not remove it. Every function
returns a new table and leaves the original unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
import numbers
import re
from collections.abc import Sequence

import pandas as pd

from course.errors import UserError
from course.messages import t

#: Parts of column names that usually hold personal data (matched in lower case).
PERSONAL_HINTS: tuple[str, ...] = (
    "name",
    "phone",
    "mobile",
    "email",
    "e-mail",
    "id_number",
    "id_card",
    "family_book",
    "passport",
    "address",
    "birth",
    "sex",
    "gender",
)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _check_table(table: object) -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame):
        raise UserError(t("privacy.error.not_a_table", value=type(table).__name__))
    return table


def _check_columns(table: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise UserError(
            t(
                "privacy.error.unknown_columns",
                columns=", ".join(map(str, missing)),
                known=", ".join(map(str, table.columns)),
            )
        )


def personal_columns(table: pd.DataFrame) -> list[str]:
    """Return the columns whose names suggest personal data (name, phone, ID number, ...).

    A simple rule on column names: it finds the usual suspects, not everything. A free-text
    column can also hold names and phone numbers, so read the data too.
    """
    _check_table(table)
    return [
        str(column)
        for column in table.columns
        if any(hint in str(column).lower() for hint in PERSONAL_HINTS)
    ]


def minimise(table: pd.DataFrame, keep: Sequence[str]) -> pd.DataFrame:
    """Return a copy with only the columns in `keep`, in that order."""
    _check_table(table)
    if isinstance(keep, str):
        keep = [keep]
    if not keep:
        raise UserError(t("privacy.error.keep_nothing"))
    _check_columns(table, keep)
    return table[list(keep)].copy()


def mask(value: object, keep: int = 3, char: str = "*") -> object:
    """Hide all but the last `keep` letters or digits of one value: "020 0012 3456" -> "*** **** *456".

    Spaces and dashes stay, so the format is still readable. Missing values stay missing.
    """
    if isinstance(keep, bool) or not isinstance(keep, numbers.Integral) or keep < 0:
        raise UserError(t("privacy.error.bad_keep", keep=keep))
    if _missing(value):
        return value
    text = str(value)
    positions = [i for i, ch in enumerate(text) if ch.isalnum()]
    hide = set(positions[: max(len(positions) - keep, 0)])
    return "".join(char if i in hide else ch for i, ch in enumerate(text))


def mask_column(table: pd.DataFrame, column: str, keep: int = 3) -> pd.DataFrame:
    """Return a copy of the table with `column` masked (all but the last `keep` characters)."""
    _check_table(table)
    _check_columns(table, [column])
    mask("", keep)  # validates keep
    result = table.copy()
    result[column] = [mask(v, keep) for v in result[column]]
    return result


def pseudonym(value: object, secret: str, prefix: str = "P-") -> str:
    """Return a stable code for one value: the same value and secret always give the same code.

    The code is the start of an HMAC-SHA256 of the value with the secret key. Without the
    key nobody can recompute it from a guessed name; keep the key inside the office.
    """
    if not isinstance(secret, str) or len(secret) < 8:
        raise UserError(t("privacy.error.short_secret"))
    digest = hmac.new(secret.encode("utf-8"), str(value).encode("utf-8"), hashlib.sha256)
    return prefix + digest.hexdigest()[:8].upper()


def pseudonymise(table: pd.DataFrame, column: str, secret: str, prefix: str = "P-") -> pd.DataFrame:
    """Return a copy of the table with `column` replaced by stable codes (see `pseudonym`)."""
    _check_table(table)
    _check_columns(table, [column])
    pseudonym("", secret)  # validates the secret
    result = table.copy()
    result[column] = [v if _missing(v) else pseudonym(v, secret, prefix) for v in result[column]]
    return result


def age_band(age: float, width: int = 10) -> str:
    """Return the band an age falls in, e.g. 37 -> "30-39": less precise, so safer to share."""
    if isinstance(width, bool) or not isinstance(width, numbers.Integral) or width < 1:
        raise UserError(t("privacy.error.bad_width", width=width))
    if isinstance(age, bool) or not isinstance(age, numbers.Real) or not 0 <= age < 150:
        raise UserError(t("privacy.error.bad_age", age=age))
    low = int(age) // width * width
    return f"{low}-{low + width - 1}"


def looks_like_phone(text: object) -> bool:
    """True if a text holds a run of 8 or more digits (spaces and dashes allowed): a phone or ID."""
    return bool(re.search(r"\d(?:[\s-]?\d){7,}", str(text)))
