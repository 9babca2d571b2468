"""Who leads, who pays, which rules, what changes: the governance sheet of a roadmap (module B4).

A governance sheet has one row per initiative, with the columns `id, lead, funding,
rules, change`. `governance_gaps` lists every initiative and every column still empty, so
a planning team sees the whole list at once; `funding_summary` adds up the cost of the
initiatives by source of money. The example sheet is made up for practice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from course import cells, roadmap
from course.errors import UserError
from course.messages import t

COLUMNS = ("id", "lead", "funding", "rules", "change")
ITEMS = ("lead", "funding", "rules", "change")
EXAMPLE = Path(__file__).parent / "data" / "files" / "roadmap" / "governance.csv"


def example() -> pd.DataFrame:
    """Return the example governance sheet for the SYNTHETIC catalogue (empty cells are "")."""
    return pd.read_csv(EXAMPLE, encoding="utf-8", dtype=str, keep_default_na=False)


def _sheet(sheet: pd.DataFrame) -> pd.DataFrame:
    frame = cells.frame(sheet, COLUMNS, "roadmap_governance.what")
    for column in COLUMNS:
        frame[column] = [cells.text(value) for value in frame[column]]
    return frame


def fill(sheet: pd.DataFrame, initiative: str, **values: Any) -> pd.DataFrame:
    """Return a copy of the sheet with some cells of one initiative filled in.

    Example: `fill(sheet, "I12", lead="Head of the PPA secretariat")`. An unknown id or
    column is refused with a plain message, and the sheet stays as it was.
    """
    frame = _sheet(sheet)
    if initiative not in set(frame["id"]):
        raise UserError(t("roadmap_governance.error.unknown_id", value=initiative))
    for column, value in values.items():
        if column not in ITEMS:
            raise UserError(
                t("roadmap_governance.error.unknown_column", value=column, known=", ".join(ITEMS))
            )
        frame.loc[frame["id"] == initiative, column] = cells.text(value)
    return frame


def governance_gaps(initiatives: pd.DataFrame, sheet: pd.DataFrame) -> pd.DataFrame:
    """Return one row per initiative and empty item: columns id, name, missing.

    An initiative of the catalogue that has no row in the sheet misses all four items.
    An empty table means every initiative has a lead, a source of money, the rules to
    check and a change step.
    """
    catalogue = roadmap.validate(initiatives)
    frame = _sheet(sheet).set_index("id")
    rows = []
    for iid, name in zip(catalogue["id"], catalogue["name"], strict=True):
        for item in ITEMS:
            if iid not in frame.index or not frame.at[iid, item]:
                rows.append((iid, name, item))
    return pd.DataFrame(rows, columns=["id", "name", "missing"])


def funding_summary(initiatives: pd.DataFrame, sheet: pd.DataFrame) -> pd.DataFrame:
    """Return the cost of the initiatives by source of money (million LAK, as the catalogue).

    Columns: funding, initiatives, cost, share (of the total cost). An empty source is
    counted as "not yet known", largest cost first.
    """
    catalogue = roadmap.validate(initiatives)
    sources = _sheet(sheet).set_index("id")["funding"]
    unknown = t("roadmap_governance.unknown_funding")
    table = pd.DataFrame(
        {
            "funding": [sources.get(i, "") or unknown for i in catalogue["id"]],
            "cost": catalogue["cost"].astype(float),
        }
    )
    summary = table.groupby("funding").agg(initiatives=("cost", "size"), cost=("cost", "sum"))
    summary["share"] = summary["cost"] / summary["cost"].sum()
    return summary.sort_values("cost", ascending=False).reset_index()
