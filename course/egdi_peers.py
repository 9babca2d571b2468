"""Benchmarking with the EGDI (module B1): series, peer tables, component gaps.

All functions read `course.data.egdi()` unless a table is passed in, and raise
`UserError` with a plain message for an unknown country, year or measure.
"""

from __future__ import annotations

import pandas as pd

from course import data
from course.errors import UserError
from course.messages import t

MEASURES = ("egdi", "osi", "hci", "tii", "epi")


def _table(table: pd.DataFrame | None) -> pd.DataFrame:
    return data.egdi() if table is None else table


def _check_measure(measure: str) -> None:
    if measure not in MEASURES:
        raise UserError(t("error.unknown_measure", measure=measure, known=", ".join(MEASURES)))


def _check_year(table: pd.DataFrame, year: int) -> None:
    years = sorted(table["year"].unique())
    if year not in years:
        raise UserError(t("error.unknown_year", year=year, known=", ".join(map(str, years))))


def _check_country(table: pd.DataFrame, iso3: str) -> None:
    if iso3 not in set(table["iso3"]):
        raise UserError(t("error.unknown_country", iso3=iso3))


def egdi_from_components(osi: float, hci: float, tii: float) -> float:
    """Return the EGDI as the survey defines it: the mean of OSI, HCI and TII."""
    return (osi + hci + tii) / 3


def series(iso3: str, measure: str = "egdi", table: pd.DataFrame | None = None) -> pd.Series:
    """Return one country's measure over the survey years, indexed by year."""
    table = _table(table)
    _check_measure(measure)
    _check_country(table, iso3)
    rows = table[table["iso3"] == iso3].set_index("year")[measure]
    rows.name = measure
    return rows


def value(iso3: str, year: int, measure: str = "egdi", table: pd.DataFrame | None = None) -> float:
    """Return one published value (NaN where the survey published none)."""
    table = _table(table)
    _check_year(table, year)
    return float(series(iso3, measure, table).loc[year])


def change(
    iso3: str, start: int, end: int, measure: str = "egdi", table: pd.DataFrame | None = None
) -> float:
    """Return the change of a measure between two survey years (end minus start)."""
    return value(iso3, end, measure, table) - value(iso3, start, measure, table)


def peer_table(
    year: int,
    peers: list[str] | None = None,
    measure: str = "egdi",
    table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the peers' rows for one year, best first, with their position among the peers.

    `peers` is a list of ISO3 codes (default: the ASEAN members as they were in `year`,
    so a later member is not counted in an earlier survey). Countries with no published
    value for the measure come last, without a position.
    """
    table = _table(table)
    _check_measure(measure)
    _check_year(table, year)
    peers = data.asean(as_of=year) if peers is None else peers
    for iso3 in peers:
        _check_country(table, iso3)
    rows = table[(table["year"] == year) & table["iso3"].isin(peers)]
    rows = rows.sort_values(measure, ascending=False, na_position="last", ignore_index=True)
    rows["position"] = rows[measure].rank(ascending=False, method="min").astype("Int64")
    return rows[["position", "iso3", "country", "egdi", "osi", "hci", "tii", "epi", "rank"]]


def position(
    iso3: str, year: int, peers: list[str] | None = None, table: pd.DataFrame | None = None
) -> int:
    """Return a country's position among its peers by EGDI in one year (1 = highest)."""
    rows = peer_table(year, peers, "egdi", table)
    if iso3 not in set(rows["iso3"]):
        raise UserError(t("error.not_a_peer", iso3=iso3))
    return int(rows.loc[rows["iso3"] == iso3, "position"].iloc[0])


def component_gaps(
    iso3: str,
    year: int,
    peers: list[str] | None = None,
    statistic: str = "median",
    table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return, per component, the country's value, the peers' median (or mean) and the gap.

    The gap is the country's value minus the peers' statistic: negative means behind.
    The peer statistic counts the other peers only, not the country itself.
    """
    if statistic not in ("median", "mean"):
        raise UserError(t("error.unknown_statistic", statistic=statistic))
    table = _table(table)
    rows = peer_table(year, peers, "egdi", table)
    others = rows[rows["iso3"] != iso3]
    mine = table[(table["year"] == year) & (table["iso3"] == iso3)]
    _check_country(table, iso3)
    result = pd.DataFrame(
        {
            "component": list(data.COMPONENTS),
            "value": [float(mine[c].iloc[0]) for c in data.COMPONENTS],
            "peers": [float(getattr(others[c], statistic)()) for c in data.COMPONENTS],
        }
    )
    result["gap"] = result["value"] - result["peers"]
    return result


def holding_back(iso3: str, year: int, table: pd.DataFrame | None = None) -> str:
    """Return the component with the lowest score: the one that pulls the EGDI down most."""
    table = _table(table)
    _check_year(table, year)
    _check_country(table, iso3)
    row = table[(table["year"] == year) & (table["iso3"] == iso3)][list(data.COMPONENTS)]
    scores = row.iloc[0].astype(float)
    if scores.isna().any():
        raise UserError(t("error.missing_component", iso3=iso3, year=year))
    return str(scores.idxmin())
