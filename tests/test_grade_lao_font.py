"""The feedback page and the cohort report in Lao, in Debian's chromium: Lao drawn with the course's font.

Both pages embed the course's Noto Sans Lao (`course.printing.lao_font_face`), so they
show Lao without tofu on a machine with no Lao font, from a file:// address, with no
request outside the page.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from browser import open_page
from course import messages
from lao_font import assert_lao_in_course_font, lao_rendering

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture
def lao(monkeypatch):
    """The process speaks Lao through $DGT_LANG for one test, as `DGT_LANG=lo dgt grade ...` does."""
    monkeypatch.setenv("DGT_LANG", "lo")
    monkeypatch.setattr(messages, "_language", None)
    assert messages.get_language() == "lo"


def _row(trainee: str, score: float, status: str):
    from autograder import results

    return results.Row(
        trainee, "Somchai", "Sekong", "A0-getting-started", score, 9, status, [], True
    )


def _check(browser, path) -> None:
    page, report = open_page(browser, path.as_uri())
    try:
        seen = lao_rendering(page)
    finally:
        page.context.close()
    assert report.blocked == [] and all(
        url.startswith(("file:", "data:")) for url in report.requests
    )
    assert report.console_errors == [] and report.page_errors == []
    assert_lao_in_course_font(seen)


def test_a_lao_feedback_page_draws_lao_with_the_course_font(lao, browser, tmp_path):
    from autograder import feedback

    entry = {"outcome": "not_yet", "label": "q1", "points": "0 / 1", "text": "x", "comment": ""}
    page, _ = feedback.render(_row("t01", 3, "graded"), "A0", [entry])
    assert "lang='lo'" in page and "DGT Noto Sans Lao" in page
    target = tmp_path / "feedback.html"
    target.write_text(page, encoding="utf-8")
    _check(browser, target)


def test_the_lao_cohort_report_draws_lao_with_the_course_font(lao, browser, tmp_path, monkeypatch):
    from autograder import report, results

    monkeypatch.setattr(results, "questions", lambda *args: [])
    workspace = SimpleNamespace(root=None, db_url=lambda: "")
    page = report.render(workspace, [_row("t01", 3, "graded"), _row("t02", 8, "graded")])
    assert "lang='lo'" in page and "DGT Noto Sans Lao" in page
    target = tmp_path / "report.html"
    target.write_text(page, encoding="utf-8")
    _check(browser, target)
