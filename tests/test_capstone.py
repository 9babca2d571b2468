"""The capstone plan (module B8): sections from checked inputs, plan checks, HTML and PDF export."""

from __future__ import annotations

import base64
import html
import re
import shutil
import subprocess

import pandas as pd
import pytest

from course import accessibility, capstone, data, inclusion, maturity, situation
from course.errors import UserError
from course.messages import t

PPA = "Sekong"
IDS = ["I01", "I02", "I03", "I04", "I05", "I06", "I07", "I08", "I09", "I11", "I12", "I14"]
WEIGHTS = {"impact": 2, "feasibility": 2, "urgency": 1}
DELAYS = {"I02": 12, "I04": 24, "I12": 24}
LINKS = {
    "DT-01": "I04",
    "DT-02": "I01",
    "DT-03": "I12",
    "DT-04": "I07",
    "DT-05": "I08",
    "DT-06": "I06; I07",
    "DT-07": "I02",
    "DT-08": "I08",
    "DT-09": "I03",
    "DT-10": "I14",
}
EXTRA = [
    ("SK-01", "Share of divisions that keep files in the shared folders", "I05"),
    ("SK-02", "Share of staff who pass the cybersecurity basics quiz", "I09"),
    ("SK-03", "Share of staff who use an official e-mail account weekly", "I11"),
]
DATASETS = [
    "sekong_maturity_answers",
    "ppa_ict_inventory",
    "ppa_staff",
    "ict_unit_prices",
    "roadmap_initiatives",
    "roadmap_risks",
    "staff_skills",
    "digital_access_survey",
    "me_indicators",
]
VISION = (
    "By 2028, the Sekong PPA is an effective, accountable and transparent assembly. It listens "
    "to citizens in all four districts, including women, older people and every ethnic group, "
    "and it publishes its decisions and gives public access to information."
)


def situation_part() -> capstone.Situation:
    return capstone.situation_summary(
        PPA,
        data.synthetic("sekong_maturity_answers"),
        situation.example("capacity_findings"),
        data.synthetic("ppa_ict_inventory"),
        data.synthetic("ppa_staff"),
        data.synthetic("ict_unit_prices"),
    )


def roadmap_part(ceiling: float = 500, end_year: int = 2028, delays=None) -> capstone.Roadmap:
    chosen = capstone.select_initiatives(data.synthetic("roadmap_initiatives"), IDS)
    return capstone.build_roadmap(
        chosen,
        WEIGHTS,
        start_year=2026,
        end_year=end_year,
        ceiling=ceiling,
        not_before=DELAYS if delays is None else delays,
        risks=data.synthetic("roadmap_risks"),
    )


def capacity_part(budget: float = 150) -> capstone.CapacityInclusion:
    return capstone.capacity_inclusion(
        data.synthetic("staff_skills"),
        PPA,
        inclusion.illustrative_channels(),
        reach_target=0.6,
        channel_budget=budget,
        access_survey=data.synthetic("digital_access_survey"),
    )


def indicator_table(extra=EXTRA) -> pd.DataFrame:
    table = capstone.link_indicators(data.synthetic("me_indicators"), LINKS)
    rows = [
        {
            "indicator_id": ident,
            "name": name,
            "unit": "%",
            "direction": "increase",
            "baseline": 0,
            "baseline_year": 2025,
            "target": 90,
            "target_year": 2028,
            "level": "output",
            "source": "PPA secretariat records",
            "frequency": "yearly",
            "initiative_id": initiative,
        }
        for ident, name, initiative in extra
    ]
    return pd.concat([table, pd.DataFrame(rows)], ignore_index=True)


@pytest.fixture(scope="module")
def parts():
    road = roadmap_part()
    return {
        "situation": situation_part(),
        "roadmap": road,
        "capacity": capacity_part(),
        "me": capstone.me_framework(indicator_table(), road),
    }


def make_plan(parts, **changes) -> capstone.Plan:
    fields = {
        "situation": parts["situation"],
        "vision": VISION,
        "roadmap": parts["roadmap"],
        "capacity": parts["capacity"],
        "me": parts["me"],
        "synthetic": DATASETS,
        "sources": ["District names: GPAR Sekong project document (UNDP Lao PDR)."],
    }
    fields.update(changes)
    return capstone.Plan(PPA, **fields)


def failed(plan: capstone.Plan) -> dict[str, str]:
    table = capstone.check_plan(plan)
    return dict(
        zip(table.loc[~table["ok"], "check"], table.loc[~table["ok"], "detail"], strict=True)
    )


# The sections -----------------------------------------------------------------------------


def test_situation_summary_reuses_b2(parts):
    """The situation holds B2's maturity scores and gaps, capacity gaps and Sekong's equipment gap."""
    part = parts["situation"]
    answers = data.synthetic("sekong_maturity_answers")
    expected = maturity.score(dict(zip(answers["question_id"], answers["level"], strict=True)))
    pd.testing.assert_frame_equal(part.scores, expected)
    assert part.top_gaps() == list(part.maturity_gaps["dimension"])[:3]
    assert set(part.equipment["province"]) == {PPA}
    assert part.equipment_cost == pytest.approx(float(part.equipment_gap["cost"].sum()))
    assert part.equipment_cost > 0
    assert list(part.benchmark["component"]) == ["osi", "tii", "hci"]


def test_sekong_answers_cover_the_questionnaire_once():
    """The SYNTHETIC Sekong answers give one level 1-5 to every question of the questionnaire."""
    answers = data.synthetic("sekong_maturity_answers")
    questions = maturity.load_questionnaire()
    assert sorted(answers["question_id"]) == sorted(questions["question_id"])
    assert answers["level"].between(1, 5).all()


def test_roadmap_is_ranked_scheduled_and_costed(parts):
    """The roadmap ranks the chosen initiatives, keeps the delays, and costs every year."""
    road = parts["roadmap"]
    assert sorted(road.ids) == sorted(IDS)
    assert list(road.initiatives["rank"]) == sorted(road.initiatives["rank"])
    starts = road.schedule.set_index("id")["start"]
    assert all(starts[i] >= month for i, month in DELAYS.items())
    assert road.budget["cost"].sum() == pytest.approx(road.total_cost)
    assert list(road.budget["year"]) == [2026, 2027, 2028]
    assert set(road.risks["initiative"]) <= set(IDS)


def test_capacity_and_inclusion_plan(parts):
    """Training is planned for Sekong's staff; the channel mix meets its targets within budget."""
    part = parts["capacity"]
    assert part.training_cost > 0
    assert part.channels.meets_targets and part.channels.cost <= 150
    assert set(part.divides["dimension"]) == set(inclusion.DIMENSIONS)


def test_me_framework_keeps_the_links(parts):
    """Each indicator keeps the initiative(s) it measures, trimmed and joined with ';'."""
    me = parts["me"].set_index("indicator_id")["initiative_id"]
    assert me["DT-06"] == "I06;I07" and me["SK-01"] == "I05"


# Bad entries -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ceiling", "text"), [("abc", "'abc'"), (-5, "-5"), (None, "None"), (True, "True")]
)
def test_ceiling_that_is_not_a_number_is_refused(ceiling, text):
    """A budget ceiling that is not a number of 0 or more gets the catalogue message."""
    with pytest.raises(UserError) as error:
        roadmap_part(ceiling=ceiling)
    assert str(error.value) == t("capstone.error.ceiling", value=text)


def test_bad_plan_period_is_refused():
    """Years must be whole years, and the end cannot come before the start."""
    with pytest.raises(UserError, match="must not come before"):
        roadmap_part(end_year=2025)
    with pytest.raises(UserError, match="whole year"):
        roadmap_part(end_year=2027.5)


def test_unknown_initiative_in_the_indicator_table_names_the_cell(parts):
    """An indicator linked to an initiative outside the roadmap: the row and column are named."""
    table = indicator_table()
    table.loc[2, "initiative_id"] = "I99"
    with pytest.raises(UserError, match=r"Row 3, column 'initiative_id': I99 is not an initiative"):
        capstone.me_framework(table, parts["roadmap"])
    table.loc[2, "initiative_id"] = " "
    with pytest.raises(UserError, match=r"Row 3, column 'initiative_id': this indicator names no"):
        capstone.me_framework(table, parts["roadmap"])
    with pytest.raises(UserError, match="initiative_id"):
        capstone.me_framework(data.synthetic("me_indicators"), parts["roadmap"])


def test_bad_indicator_values_use_b7_messages(parts):
    """A target in the wrong direction is caught by B7's validation, naming the cell."""
    table = indicator_table()
    table.loc[0, "target"] = 1
    with pytest.raises(UserError, match=r"Row 1, column 'target'"):
        capstone.me_framework(table, parts["roadmap"])


def test_link_indicators_refuses_unknown_indicators():
    """A link for an indicator the table does not have is refused."""
    with pytest.raises(UserError, match="DT-99: not an indicator"):
        capstone.link_indicators(data.synthetic("me_indicators"), {"DT-99": "I01"})
    with pytest.raises(UserError, match="dictionary"):
        capstone.link_indicators(data.synthetic("me_indicators"), ["DT-01"])


def test_select_initiatives_needs_every_dependency():
    """Choosing an initiative without one it waits for, or an unknown id, is refused."""
    catalogue = data.synthetic("roadmap_initiatives")
    with pytest.raises(
        UserError, match="I04 waits for initiatives that are not in your list: I02, I03"
    ):
        capstone.select_initiatives(catalogue, ["I04"])
    with pytest.raises(UserError, match="I77: not in the initiative catalogue"):
        capstone.select_initiatives(catalogue, ["I01", "I77"])
    with pytest.raises(UserError, match="at least one"):
        capstone.select_initiatives(catalogue, [])
    assert list(capstone.select_initiatives(catalogue, "I03; I01")["id"]) == ["I01", "I03"]


def test_cycle_is_refused_when_building():
    """A circle of dependencies in the trainee's table raises the B4 cycle message."""
    catalogue = data.synthetic("roadmap_initiatives")
    catalogue.loc[catalogue["id"] == "I01", "depends_on"] = "I05"
    with pytest.raises(UserError, match=r"I01 → I05 → I01|I05 → I01 → I05"):
        capstone.select_initiatives(catalogue, ["I01", "I05"])


def test_bad_maturity_answers_name_the_cell():
    """Answers with an unknown question, a repeated one or a level outside 1-5 name the cell."""
    answers = data.synthetic("sekong_maturity_answers")
    wrong = answers.copy()
    wrong.loc[3, "level"] = 7
    with pytest.raises(UserError, match=r"Row 4, column 'level'"):
        capstone.answers_from_table(wrong)
    wrong = answers.copy()
    wrong.loc[0, "question_id"] = "XX9"
    with pytest.raises(UserError, match=r"Row 1, column 'question_id': 'XX9' is not a question"):
        capstone.answers_from_table(wrong)
    wrong = answers.copy()
    wrong.loc[1, "question_id"] = "SL1"
    with pytest.raises(UserError, match=r"Row 2, column 'question_id': 'SL1' is already answered"):
        capstone.answers_from_table(wrong)
    skipped = answers.astype({"level": object})
    skipped.loc[0, "level"] = None
    assert "SL1" not in capstone.answers_from_table(skipped)


def test_unknown_province_lists_the_provinces():
    """A PPA with no rows in the inventory is named, with the provinces that are there."""
    with pytest.raises(UserError, match=r"no rows for 'Sekongg'.*Sekong"):
        capstone.situation_summary(
            "Sekongg",
            data.synthetic("sekong_maturity_answers"),
            situation.example("capacity_findings"),
            data.synthetic("ppa_ict_inventory"),
            data.synthetic("ppa_staff"),
            data.synthetic("ict_unit_prices"),
        )


def test_bad_channel_budget_is_refused():
    """A channel budget that is not a number of 0 or more gets its own message."""
    with pytest.raises(UserError, match="budget for channels"):
        capacity_part(budget="lots")


def test_plan_refuses_wrong_sections_and_unknown_datasets(parts):
    """A table where a section object belongs, unknown notes or datasets, a blank PPA: UserError."""
    with pytest.raises(UserError, match="situation"):
        capstone.Plan(PPA, situation=pd.DataFrame())
    with pytest.raises(UserError, match="no plan section 'budget'"):
        capstone.Plan(PPA, notes={"budget": "..."})
    with pytest.raises(UserError, match="no_such_data"):
        capstone.Plan(PPA, synthetic=["no_such_data"])
    with pytest.raises(UserError, match="as text"):
        capstone.Plan("  ")
    with pytest.raises(UserError, match="Give title as text"):
        capstone.Plan(PPA, title=None)
    with pytest.raises(UserError, match=r"capstone\.Plan"):
        capstone.check_plan("my plan")


# The plan check ---------------------------------------------------------------------------


def test_sekong_plan_passes_every_check(parts):
    """The worked Sekong plan is complete and consistent: no findings."""
    plan = make_plan(parts)
    table = capstone.check_plan(plan)
    assert len(table) == len(capstone.CHECKS)
    assert table["ok"].all(), capstone.findings(plan)
    assert capstone.findings(plan) == []


def test_missing_sections_are_findings():
    """An empty plan lists each missing section (and not the checks inside them)."""
    plan = capstone.Plan(PPA, vision="   ")
    table = capstone.check_plan(plan)
    assert not table["ok"].any()
    assert len(table) == len(capstone.SECTIONS) + 1  # + data sources
    assert t("capstone.finding.missing.me") in capstone.findings(plan)[4]


def test_missing_indicator_is_a_finding(parts):
    """An initiative with no indicator is named."""
    me = capstone.me_framework(indicator_table(extra=EXTRA[1:]), parts["roadmap"])
    problems = failed(make_plan(parts, me=me))
    assert list(problems) == [t("capstone.check.me.coverage")]
    assert "I05" in problems[t("capstone.check.me.coverage")]


def test_over_budget_is_a_finding(parts):
    """A year above the ceiling is named with the amount over."""
    road = roadmap_part(delays={})
    problems = failed(make_plan(parts, roadmap=road))
    detail = problems[t("capstone.check.roadmap.ceiling")]
    assert "2026 is 487.4 above" in detail and "500" in detail


def test_plan_period_too_short_is_a_finding(parts):
    """A roadmap that ends after the plan period, and targets after it, are findings."""
    road = roadmap_part(end_year=2026, delays={}, ceiling=2000)
    problems = failed(make_plan(parts, roadmap=road))
    assert set(problems) == {t("capstone.check.roadmap.period"), t("capstone.check.me.years")}
    assert "month 21, after the 12 months" in problems[t("capstone.check.roadmap.period")]
    assert "SK-01 (2028)" in problems[t("capstone.check.me.years")]


def test_cycle_and_early_start_are_findings(parts):
    """A circle added after building, or a start before a dependency ends, is reported."""
    road = roadmap_part()
    road.initiatives = road.initiatives.copy()
    road.initiatives.loc[road.initiatives["id"] == "I03", "depends_on"] = "I04"
    problems = failed(make_plan(parts, roadmap=road))
    assert "I03 → I04 → I03" in problems[t("capstone.check.roadmap.schedule")]
    road = roadmap_part()
    road.schedule.loc[road.schedule["id"] == "I04", "start"] = 0
    problems = failed(make_plan(parts, roadmap=road))
    assert "I04 starts before I02" in problems[t("capstone.check.roadmap.schedule")]


def test_other_findings(parts):
    """Vision without 16.10, unmet reach, a non-SMART indicator, no sources: each is reported."""
    me = parts["me"].copy()
    me.loc[0, "source"] = ""
    plan = make_plan(
        parts,
        vision="By 2028 our PPA is effective and listens to citizens in every district.",
        capacity=capacity_part(budget=0),
        me=me,
        synthetic=[],
        sources=[],
    )
    problems = failed(plan)
    assert "16.10" in problems[t("capstone.check.vision.sdg")]
    assert "rural (0% < 60%)" in problems[t("capstone.check.capacity.reach")]
    assert "DT-01 (source)" in problems[t("capstone.check.me.smart")]
    assert t("capstone.check.data.sources") in problems


# The document ------------------------------------------------------------------------------


def section_headings(plan: capstone.Plan) -> list[str]:
    names = [capstone.section_label(s) for s in capstone.SECTIONS]
    return [*names, t("capstone.report.check_heading"), t("capstone.report.sources_heading")]


def test_html_holds_every_section_escaped_and_labelled(parts):
    """One page, every section, inline charts only, notes escaped, SYNTHETIC labels and sources."""
    plan = make_plan(parts, notes={"vision": "Agreed <script>alert(1)</script> & signed."})
    page = capstone.plan_html(plan)
    for heading in section_headings(plan):
        assert f". {heading}</h2>" in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; signed." in page
    images = re.findall(r'<img src="([^"]+)" alt="[^"]+"', page)
    assert len(images) == 4 and all(src.startswith("data:image/png;base64,") for src in images)
    base64.b64decode(images[0].split(",", 1)[1], validate=True)
    assert not re.search(r"(?:src|href)=\"(?!data:|#)", page), "no outside file or request"
    for name in DATASETS:
        assert html.escape(data.synthetic_label(name)) in page
    assert html.escape(t("capstone.report.synthetic_banner")) in page
    assert "GPAR Sekong project document" in page
    assert html.escape(t("chart.source_egdi")) in page
    assert t("capstone.status.ok") in page
    assert accessibility.check_html(page) == []


def test_html_marks_missing_sections():
    """A section that is missing says so in the document."""
    page = capstone.plan_html(capstone.Plan(PPA, vision=VISION))
    assert html.escape(t("capstone.finding.missing.roadmap")) in page
    assert VISION in page


def test_export_html_atomically_into_the_output_folder(parts, tmp_path, monkeypatch):
    """export writes the HTML to $DGT_OUTPUT by default, leaves no temporary file, refuses the package."""
    monkeypatch.setenv("DGT_OUTPUT", str(tmp_path))
    written = capstone.export(make_plan(parts), pdf=False)
    assert written == {"html": tmp_path / "sekong-digital-plan.html"}
    assert written["html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sekong-digital-plan.html"]
    with pytest.raises(UserError, match="inside the course's own package"):
        capstone.export(make_plan(parts), data.SYNTHETIC_DIR, pdf=False)
    with pytest.raises(UserError, match="There is no folder"):
        capstone.export(make_plan(parts), tmp_path / "nowhere", pdf=False)


@pytest.mark.slow
@pytest.mark.browser
def test_export_pdf_holds_every_section(parts, tmp_path):
    """The capstone export makes a PDF (book's chromium route) whose text holds every section heading."""
    if not shutil.which("pdftotext"):
        pytest.fail("poppler-utils is not installed: run 'sudo apt-get install poppler-utils'")
    plan = make_plan(parts)
    written = capstone.export(plan, tmp_path)
    assert written["pdf"].read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(written["pdf"]), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(text.split())
    for heading in section_headings(plan):
        assert heading in flat, heading
    assert "SYNTHETIC" in flat
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "sekong-digital-plan.html",
        "sekong-digital-plan.pdf",
    ]


def test_unmeasured_lists_initiatives_without_an_indicator(parts):
    """unmeasured names the initiatives no indicator measures, by default those me_framework checked."""
    me = capstone.me_framework(indicator_table(extra=EXTRA[1:]), parts["roadmap"])
    assert capstone.unmeasured(me) == ["I05"]
    assert capstone.unmeasured(parts["me"], parts["roadmap"]) == []
    assert capstone.unmeasured(parts["me"], ["I05", "I10"]) == ["I10"]


def test_link_indicators_keeps_only_the_linked_indicators():
    """Only the indicators named in the links stay, in table order, with their initiative ids."""
    linked = capstone.link_indicators(
        data.synthetic("me_indicators"), {"DT-03": "I12", "DT-01": ["I04", "I03"]}
    )
    assert list(linked["indicator_id"]) == ["DT-01", "DT-03"]
    assert list(linked["initiative_id"]) == ["I04;I03", "I12"]


def test_example_new_indicators_join_the_linked_ones():
    """The three made-up indicators for I05, I09, I11 pass B7's checks and add below the linked."""
    from course import capstone, data

    linked = capstone.link_indicators(data.synthetic("me_indicators"), {"DT-01": "I04"})
    new = capstone.example_new_indicators()
    both = capstone.add_indicators(linked, new)
    assert list(both["indicator_id"]) == ["DT-01", "SK-01", "SK-02", "SK-03"]
    assert list(both.columns) == list(linked.columns)
    assert list(new["initiative_id"]) == ["I05", "I09", "I11"]
    with pytest.raises(UserError, match="initiative_id"):
        capstone.add_indicators(linked, new.drop(columns=["initiative_id"]))
