"""course.roadmap_governance: the governance sheet of a roadmap (who leads, who pays, rules, change)."""

import pandas as pd
import pytest

from course import data, roadmap_governance
from course.errors import UserError


@pytest.fixture
def initiatives():
    return data.synthetic("roadmap_initiatives")


def test_the_example_covers_every_initiative_with_some_gaps_on_purpose(initiatives):
    """The example sheet has a row per initiative; its gaps are listed, one row per empty item."""
    sheet = roadmap_governance.example()
    assert list(sheet["id"]) == list(initiatives["id"])
    gaps = roadmap_governance.governance_gaps(initiatives, sheet)
    assert list(gaps.columns) == ["id", "name", "missing"]
    assert ("I12", "lead") in set(zip(gaps["id"], gaps["missing"], strict=True))
    assert set(gaps["missing"]) <= set(roadmap_governance.ITEMS)
    empty = sum((sheet[c] == "").sum() for c in roadmap_governance.ITEMS)
    assert len(gaps) == empty


def test_fill_closes_a_gap_and_refuses_unknown_ids_and_columns(initiatives):
    """fill() returns a new sheet; the original is unchanged; mistakes get a plain message."""
    sheet = roadmap_governance.example()
    before = len(roadmap_governance.governance_gaps(initiatives, sheet))
    filled = roadmap_governance.fill(sheet, "I12", lead="Head of the PPA secretariat")
    assert len(roadmap_governance.governance_gaps(initiatives, filled)) == before - 1
    assert (sheet.set_index("id").loc["I12", "lead"]) == ""
    with pytest.raises(UserError, match="'I99' is not the id"):
        roadmap_governance.fill(sheet, "I99", lead="x")
    with pytest.raises(UserError, match="'owner' is not a column"):
        roadmap_governance.fill(sheet, "I12", owner="x")


def test_an_initiative_without_a_row_misses_everything(initiatives):
    """A catalogue row with no governance row misses lead, funding, rules and change."""
    sheet = roadmap_governance.example()
    gaps = roadmap_governance.governance_gaps(initiatives, sheet[sheet["id"] != "I01"])
    assert list(gaps[gaps["id"] == "I01"]["missing"]) == list(roadmap_governance.ITEMS)


def test_funding_summary_adds_up_to_the_catalogue(initiatives):
    """Costs by source add up to the catalogue's total; an empty source is 'not yet known'."""
    summary = roadmap_governance.funding_summary(initiatives, roadmap_governance.example())
    assert summary["cost"].sum() == pytest.approx(initiatives["cost"].sum())
    assert summary["initiatives"].sum() == len(initiatives)
    assert summary["share"].sum() == pytest.approx(1.0)
    unknown = summary.set_index("funding").loc["not yet known"]
    assert unknown["initiatives"] == 2 and unknown["cost"] == 165 + 40
    assert list(summary["cost"]) == sorted(summary["cost"], reverse=True)


def test_bad_input():
    """A sheet that is not a table, or lacks a column, is a clear error."""
    with pytest.raises(UserError):
        roadmap_governance.governance_gaps(data.synthetic("roadmap_initiatives"), "sheet")
    with pytest.raises(UserError, match="lead"):
        roadmap_governance.fill(pd.DataFrame({"id": ["I01"]}), "I01", lead="x")
