"""Data loaders over the package's own files: real reference data and synthetic datasets, no network.

Real data (kept exactly as published, provenance in `files/PROVENANCE.md`):
- `egdi()`: the UN E-Government Development Index and its components, 2010-2024.
- `countries()`: ISO codes, names, UN regions and income groups.
- `provinces()`: the 18 provincial-level units of Lao PDR.

Synthetic data (made by `course.synthetic` with a fixed seed, never facts about Laos):
- `synthetic(name)`: one generated dataset by name; `synthetic_names()` lists them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import pandas as pd

from course.errors import UserError
from course.messages import t

FILES = Path(__file__).parent / "files"
EGDI_DIR = FILES / "egdi"
SYNTHETIC_DIR = FILES / "synthetic"

#: Survey years for which the package holds EGDI data (there is no 2020 file).
EGDI_YEARS = (2010, 2012, 2014, 2016, 2018, 2022, 2024)

#: The four EGDI measures a lesson compares; EGDI is the mean of OSI, HCI and TII.
COMPONENTS = ("osi", "hci", "tii")

#: ASEAN Member States by ISO3 code, with the year each joined ASEAN.
#: Timor-Leste became the eleventh member in October 2025, after the last survey here.
ASEAN_MEMBERS: dict[str, int] = {
    "BRN": 1984,
    "KHM": 1999,
    "IDN": 1967,
    "LAO": 1997,
    "MYS": 1967,
    "MMR": 1997,
    "PHL": 1967,
    "SGP": 1967,
    "THA": 1967,
    "VNM": 1995,
    "TLS": 2025,
}

# Published names that match no name in countries.csv, even after folding case and accents.
_NAME_ALIASES = {
    "gambia": "GMB",
    "georgia (country)": "GEO",
    "iran (islamic republic of)": "IRN",
    "micronesia (federated states of)": "FSM",
    "turkiye": "TUR",
}

# The harmonised display name, where the common name in countries.csv is not the one we use.
_DISPLAY_NAMES = {"LAO": "Lao PDR"}

# Column names of each layout, mapped to the tidy names.
_LAYOUT_UNU = {
    "country-code": "iso3",
    "country-name": "published_name",
    "e-gov-rank": "rank",
    "e-gov-index": "egdi",
    "e-pat-index": "epi",
    "osi": "osi",
    "hci": "hci",
    "tii": "tii",
}
_LAYOUT_2022 = {
    "Country Name": "published_name",
    "E-Government Rank": "rank",
    "E-Government Index": "egdi",
    "E-Participation Index": "epi",
    "Online Service Index": "osi",
    "Human Capital Index": "hci",
    "Telecommunication Infrastructure Index": "tii",
}
_LAYOUT_2024 = {
    "Country": "published_name",
    "Rank": "rank",
    "E_Index": "egdi",
    "E_Participation": "epi",
    "Online_Service": "osi",
    "Human_Capital": "hci",
    "Tele_Infra": "tii",
}
EGDI_COLUMNS = ["year", "iso3", "country", "egdi", "osi", "hci", "tii", "epi", "rank"]


def _fold(name: str) -> str:
    """Fold a country name for matching: trim, collapse spaces, drop accents, lower case."""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'")
    return re.sub(r"\s+", " ", text).strip().casefold()


@cache
def countries() -> pd.DataFrame:
    """Return the 193 UN Member States: iso3, name, official_name, region, subregion, income, status."""
    table = pd.read_csv(EGDI_DIR / "countries.csv", sep=";", encoding="utf-8-sig")
    table.columns = ["iso3", "name", "official_name", "region", "subregion", "income", "status"]
    table = table.dropna(subset=["iso3"]).reset_index(drop=True)  # the file ends with an empty row
    for column in table.columns:
        table[column] = table[column].str.strip()
    table["name"] = [_DISPLAY_NAMES.get(i, n) for i, n in zip(table.iso3, table.name, strict=True)]
    return table


def iso3_for(name: str) -> str:
    """Return the ISO3 code of a country from any published spelling of its name.

    Raises `UserError` for a name that matches no country.
    """
    lookup = _name_index()
    key = _fold(name)
    if key not in lookup:
        raise UserError(t("error.unknown_country_name", name=name.strip()))
    return lookup[key]


@cache
def _name_index() -> dict[str, str]:
    table = countries()
    index = dict(_NAME_ALIASES)
    for iso3, common, official in zip(table.iso3, table.name, table.official_name, strict=True):
        index[_fold(common)] = iso3
        index[_fold(official)] = iso3
        index[_fold(iso3)] = iso3
    index[_fold("Laos")] = "LAO"
    return index


def _read_year(year: int) -> pd.DataFrame:
    raw = pd.read_csv(EGDI_DIR / f"egdi-{year}.csv")
    if "country-code" in raw.columns:
        frame = raw.rename(columns=_LAYOUT_UNU)
    else:
        layout = _LAYOUT_2022 if "Country Name" in raw.columns else _LAYOUT_2024
        frame = raw.rename(columns=layout)
        frame["iso3"] = [iso3_for(name) for name in frame["published_name"]]
    frame["year"] = year
    return frame


@cache
def _egdi() -> pd.DataFrame:
    frames = [_read_year(year) for year in EGDI_YEARS]
    table = pd.concat(frames, ignore_index=True)
    names = countries().set_index("iso3")["name"]
    table["country"] = table["iso3"].map(names)
    table["rank"] = table["rank"].astype("Int64")
    table = table[EGDI_COLUMNS].sort_values(["year", "iso3"], ignore_index=True)
    return _drop_placeholders(table)


def not_assessed(table: pd.DataFrame) -> pd.Series:
    """Return True for the rows whose published EGDI is a placeholder for "not assessed".

    The 2010 file gives nine countries an EGDI of 0 and a shared last rank (184) because a
    component is missing; the 2012 file gives three countries an EGDI of 0 and a shared
    last rank (191) although their HCI and TII are well above 0. An index of 0 that is
    not the mean of its components is not a score.
    """
    mean = table[list(COMPONENTS)].mean(axis=1, skipna=False)
    zero = table["egdi"] == 0
    return zero & (table[list(COMPONENTS)].isna().any(axis=1) | (mean > 0.01))


def _drop_placeholders(table: pd.DataFrame) -> pd.DataFrame:
    """Turn placeholder values into NaN: never ranked, averaged or charted as scores.

    In a not-assessed row the EGDI and the rank are placeholders, and so is an OSI or an
    EPI of exactly 0 (the online assessment they come from was not made).
    """
    table = table.copy()
    rows = not_assessed(table)
    table.loc[rows, ["egdi", "rank"]] = pd.NA
    for column in ("osi", "epi"):
        table.loc[rows & (table[column] == 0), column] = float("nan")
    return table


def egdi_consistency(tolerance: float = 0.0005) -> pd.DataFrame:
    """Return the rows whose published EGDI differs from the mean of OSI, HCI and TII.

    Columns: year, iso3, country, egdi, component_mean, difference. Rows with a missing
    value are left out. See docs/data.md for what each disagreement means.
    """
    table = egdi()
    table["component_mean"] = table[list(COMPONENTS)].mean(axis=1, skipna=False)
    table["difference"] = table["egdi"] - table["component_mean"]
    rows = table[table["difference"].abs() > tolerance]
    return rows[["year", "iso3", "country", "egdi", "component_mean", "difference"]].reset_index(
        drop=True
    )


def egdi() -> pd.DataFrame:
    """Return the EGDI panel: one row per (year, country), 2010-2024, real published values.

    Columns: year, iso3, country, egdi, osi, hci, tii, epi, rank. Values are kept as
    published; a value the survey did not publish is NaN (never 0), and no row is dropped.
    Source: UN DESA, E-Government Survey (see `files/PROVENANCE.md`).
    """
    return _egdi().copy()


def asean(as_of: int | None = None) -> list[str]:
    """Return the ISO3 codes of the ASEAN Member States, today or as they were in a year.

    With no year: the eleven members since Timor-Leste joined in 2025. With `as_of` (a
    survey year): only the members that had joined by then, so a comparison uses the
    group as it was in that year.
    """
    if as_of is None:
        return list(ASEAN_MEMBERS)
    if isinstance(as_of, bool) or not isinstance(as_of, int):
        raise UserError(t("error.bad_year", year=as_of))
    return [iso3 for iso3, joined in ASEAN_MEMBERS.items() if joined <= as_of]


@cache
def _provinces() -> pd.DataFrame:
    table = pd.read_csv(FILES / "lao_provinces.csv", encoding="utf-8")
    return table.rename(columns={"iso_3166_2": "code"})


def provinces() -> pd.DataFrame:
    """Return the 18 provincial-level units of Lao PDR: code, name_en, name_lo, region."""
    return _provinces().copy()


def synthetic_names() -> list[str]:
    """Return the names of the shipped synthetic datasets."""
    return sorted(p.stem for p in SYNTHETIC_DIR.glob("*.csv"))


def synthetic(name: str) -> pd.DataFrame:
    """Return one SYNTHETIC dataset by name (made by `course.synthetic`, not facts about Laos).

    The table's `attrs["synthetic"]` is True and `attrs["description"]` says what it is;
    `synthetic_label(name)` gives the line to show beside it.
    """
    path = SYNTHETIC_DIR / f"{name}.csv"
    if not path.is_file():
        raise UserError(t("error.unknown_dataset", name=name, known=", ".join(synthetic_names())))
    table = pd.read_csv(path, encoding="utf-8", keep_default_na=True)
    table.attrs["synthetic"] = True
    table.attrs["description"] = t("data.synthetic_label", name=name)
    return table


def synthetic_label(name: str) -> str:
    """Return the line that says a dataset is synthetic, to show wherever it is shown."""
    return t("data.synthetic_label", name=name)
