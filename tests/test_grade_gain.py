"""Learning gain from the pre-test to the post-test: the computation, and its place in `dgt grade report`."""

import re

import pytest

from autograder import gain, report
from autograder.results import Row
from course.manifest import curriculum

PRE = curriculum().assessment("pre").id
POST = curriculum().assessment("post").id


def row(trainee, ppa, assignment, score, submitted=True, name=""):
    return Row(
        trainee, name or trainee.upper(), ppa, assignment, score, 14.0, "graded", [], submitted
    )


def cohort():
    """t1 improves, t2 was already at 100%, t3 gets worse, t4 has no post-test, t5 is ungraded."""
    return [
        row("t1", "Sekong", PRE, 7.0),
        row("t1", "Sekong", POST, 10.5),
        row("t2", "Sekong", PRE, 14.0),
        row("t2", "Sekong", POST, 14.0),
        row("t3", "Attapeu", PRE, 7.0),
        row("t3", "Attapeu", POST, 3.5),
        row("t4", "Attapeu", PRE, 3.5),
        row("t5", "Attapeu", PRE, 3.5),
        row("t5", "Attapeu", POST, 0.0, submitted=False),
        row("t1", "Sekong", "B1-foundations", 5.0),
    ]


def test_normalized_gain_and_the_undefined_case():
    """(post − pre) / (max − pre); pre = max gives None, never a division by zero."""
    assert gain.normalized_gain(50, 75) == pytest.approx(0.5)
    assert gain.normalized_gain(40, 40) == 0
    assert gain.normalized_gain(60, 30) == pytest.approx(-0.75)
    assert gain.normalized_gain(100, 100) is None
    assert gain.normalized_gain(100, 80) is None
    assert gain.normalized_gain(7, 14, maximum=14) == pytest.approx(1.0)


def test_trainee_gains_need_both_graded_tests():
    """Only trainees graded on both tests count; other assignments are ignored."""
    gains = {g.label: g for g in gain.trainee_gains(cohort())}
    assert sorted(gains) == ["t1", "t2", "t3"]
    assert gains["t1"].pre == 50 and gains["t1"].post == 75 and gains["t1"].gain == 25
    assert gains["t1"].normalized == pytest.approx(0.5) and gains["t1"].improved == 1
    assert gains["t2"].normalized is None and gains["t2"].improved == 0
    assert gains["t3"].gain == -25 and gains["t3"].normalized == pytest.approx(-0.5)


def test_group_gains_per_ppa_and_for_everyone():
    """A group's gain is that of its average scores; the share improved counts its trainees."""
    groups = {g.label: g for g in gain.group_gains(gain.trainee_gains(cohort()))}
    sekong, attapeu, everyone = groups["Sekong"], groups["Attapeu"], groups["All trainees"]
    assert (sekong.trainees, sekong.pre, sekong.post) == (2, 75, 87.5)
    assert sekong.normalized == pytest.approx(0.5) and sekong.share_improved == 50
    assert attapeu.trainees == 1 and attapeu.share_improved == 0
    assert everyone.trainees == 3 and everyone.improved == 1
    assert everyone.pre == pytest.approx(200 / 3) and everyone.post == pytest.approx(200 / 3)
    assert everyone.gain == pytest.approx(0)
    assert list(groups)[-1] == "All trainees"


def test_everyone_at_100_percent_on_the_pre_test_is_undefined_not_an_error():
    rows = [row("t1", "Sekong", PRE, 14.0), row("t1", "Sekong", POST, 14.0)]
    (group, everyone) = gain.group_gains(gain.trainee_gains(rows))
    assert group.normalized is None and everyone.normalized is None
    html = gain.section(rows)
    assert "undefined (pre-test 100%)" in html and "1 trainee(s) scored 100%" in html


def test_section_without_both_tests_says_so():
    html = gain.section([row("t4", "Attapeu", PRE, 3.5)])
    assert "No trainee has a graded pre-test and a graded post-test yet" in html
    assert "<svg" not in html


def test_chart_has_a_word_next_to_every_colour():
    """Each bar's colour comes with its word (pre-test or post-test) and value; no outside reference."""
    svg = gain.chart(gain.group_gains(gain.trainee_gains(cohort())))
    assert svg.startswith("<svg") and "http" not in svg and "href" not in svg
    for colour, word in ((gain.PRE_COLOUR, "Pre-test"), (gain.POST_COLOUR, "Post-test")):
        bars = re.findall(rf"fill='{colour}'/><text[^>]*>([^<]*)<", svg)
        assert len(bars) == 1 + 3  # the legend swatch, then one bar per group
        assert all(text.startswith(word) for text in bars), bars
    assert "Post-test 88%" in svg  # Sekong's average post-test (87.5%)


def test_report_shows_the_gain_table_and_chart(workspace):
    """`dgt grade report`'s page has the learning-gain section, with the table and the chart."""
    for assignment in (PRE, POST):
        workspace.nbgrader("generate_assignment", assignment, "--force")
    rows = [r for r in cohort() if r.assignment in (PRE, POST)]
    page = report.render(workspace, rows)
    start = page.index("Learning gain: pre-test and post-test")
    section = page[start : page.index("<h2>", start + 1)]
    assert "Kirkpatrick" in section and "normalized gain" in section
    assert "<svg" in section and "Average score before and after the course" in section
    sekong = re.search(r"<tr><td>Sekong</td><td>2</td>(.*?)</tr>", section).group(1)
    assert re.findall(r"<td>([^<]*)</td>", sekong) == ["75%", "88%", "+12", "0.50", "50%"]
    assert "<td>t2</td><td>T2</td><td>Sekong</td><td>100%</td><td>100%</td><td>+0</td>" in section
    assert "undefined (pre-test 100%)" in section
    assert "Pre-test of knowledge" in page  # the assessments have their titles
