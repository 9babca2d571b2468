"""course.reporting and the B7 charts: the one-page indicator report is safe, labelled and complete."""

import matplotlib
import pytest

from course import data, indicator_charts, indicators, reporting, survey, survey_charts
from course.errors import UserError

matplotlib.use("Agg")


@pytest.fixture
def tracked():
    return indicators.track(data.synthetic("me_indicators"), data.synthetic("me_actuals"))


def report(tracked, **changes):
    options = {
        "title": "Digital plan <script>alert(1)</script>",
        "organisation": "Example PPA & partners",
        "as_of": 2025,
        "source": "PPA registers",
        "synthetic_label": data.synthetic_label("me_actuals"),
        "notes": "First note.\n\nSecond <b>note</b>.",
    }
    options.update(changes)
    return reporting.indicator_report_html(tracked, **options)


def test_report_escapes_the_authors_text(tracked):
    """Title, organisation and notes are shown as text, never run as HTML."""
    page = report(tracked)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Example PPA &amp; partners" in page
    assert "Second &lt;b&gt;note&lt;/b&gt;." in page


def test_report_has_word_labels_source_and_synthetic_label(tracked):
    """Every status colour has its words; the source and the SYNTHETIC label are shown."""
    page = report(tracked)
    for word in ("On track", "At risk", "Off track", "No data"):
        assert word in page
    assert page.count('class="chip"') == len(tracked) + 4  # one per row, one per summary item
    assert "Source: PPA registers" in page
    assert page.count("SYNTHETIC") == 2
    assert '<html lang="en">' in page
    assert "http" not in page  # self-contained: no outside files


def test_report_lists_every_indicator(tracked):
    """Each indicator id appears, with its latest year and missing reports noted."""
    page = report(tracked)
    for indicator_id in tracked["indicator_id"]:
        assert indicator_id in page
    assert "22 (2024)" in page and "Missing reports: 4" in page


def test_text_report_matches(tracked):
    """The plain-text report has the same summary, the statuses in words and the labels."""
    text = reporting.indicator_report_text(
        tracked,
        title="Plan",
        organisation="PPA",
        as_of=2025,
        source="Registers",
        synthetic_label=data.synthetic_label("me_actuals"),
    )
    assert "On track: 4; At risk: 3; Off track: 2; No data: 1" in text
    assert "[Off track] DT-03" in text and "SYNTHETIC" in text


def test_report_bad_input(tracked, tmp_path):
    """A table that is not from track(), an empty table, no source or no folder are clear errors."""
    with pytest.raises(UserError, match=r"indicators\.track"):
        report(data.synthetic("me_indicators"))
    with pytest.raises(UserError, match="no indicators"):
        report(tracked.iloc[0:0])
    with pytest.raises(UserError, match="source"):
        report(tracked, source="  ")
    with pytest.raises(UserError, match="does not exist"):
        reporting.save_report("x", tmp_path / "nowhere" / "report.html")


def test_save_report_writes_the_whole_file(tracked, tmp_path):
    """The report is written in full, with no temporary file left behind."""
    path = reporting.save_report(report(tracked), tmp_path / "report.html")
    assert path.read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_charts_draw_with_labels(tracked):
    """The milestone, progress and interval charts draw, with titles from the catalogue."""
    ax = indicator_charts.milestone_chart(
        data.synthetic("me_indicators"), data.synthetic("me_actuals"), "DT-03", label="SYNTHETIC"
    )
    assert ax.get_title() == "DT-03: Off track"
    ax = indicator_charts.progress_chart(tracked)
    assert len(ax.patches) == len(tracked)
    table = survey.breakdown(data.synthetic("citizen_feedback"), "sex", "satisfaction")
    ax = survey_charts.interval_chart(table, "sex", "Satisfied by sex")
    assert ax.get_title() == "Satisfied by sex"
    with pytest.raises(UserError, match="DT-99"):
        indicator_charts.milestone_chart(
            data.synthetic("me_indicators"), data.synthetic("me_actuals"), "DT-99"
        )
    with pytest.raises(UserError, match=r"survey\.breakdown"):
        survey_charts.interval_chart(tracked, "sex", "x")
