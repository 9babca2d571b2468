"""The content findings of issue 19 stay fixed: who did what, currencies, answers, code load."""

import re

import nbformat
import pytest

from course.manifest import curriculum

LESSONS = [p for m in curriculum().modules for p in m.lesson_paths]


def lesson(name: str) -> nbformat.NotebookNode:
    return nbformat.read(next(p for p in LESSONS if p.name.startswith(name)), as_version=4)


def prose(notebook) -> str:
    return "\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


def code(notebook) -> str:
    return "\n\n".join(c.source for c in notebook.cells if c.cell_type == "code")


def paragraphs(notebook) -> list[str]:
    return [p for c in notebook.cells if c.cell_type == "markdown" for p in c.source.split("\n\n")]


def test_the_sufs_is_credited_to_moha_and_its_results_to_ppa_members():
    """B7.3: MoHA ran round two; results went to ministries and PPA members; PPAs did not survey."""
    text = " ".join(prose(lesson("B7-3")).split())
    assert "by PPA members and local authorities" not in text
    assert 'Ministry of Home Affairs (MoHA) "implemented round two of SUFS' in text
    assert "as well as PPA members to inform public administration" in text


def test_the_key_point_on_intervals_is_right():
    """B7.3: groups differ when the intervals do not overlap, or the difference's interval leaves out 0."""
    key_points = lesson("B7-3").cells[-1].source
    assert "do not overlap" in key_points and "difference" in key_points
    assert "leaves out 0" in key_points


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_one_currency_per_paragraph_unless_it_says_why(path):
    """A paragraph with USD and LAK amounts says that the course does not convert them."""
    for text in paragraphs(nbformat.read(path, as_version=4)):
        if re.search(r"\bUSD\b|US dollars", text) and re.search(r"\bLAK\b|\bkip\b", text):
            assert re.search(r"no exchange rate|do not compare|never convert|not convert", text), (
                f"{path.name}: {text[:100]!r}"
            )


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_lessons_save_files_in_the_output_folder(path):
    """No lesson writes into a temporary folder that the trainee cannot find."""
    assert "tempfile" not in code(nbformat.read(path, as_version=4))


def test_answers_of_a1_and_b7_are_not_printed():
    """A1 Q1, Q3, Q4 and B7 Q6 are not worked out in the lessons on the exercise's data."""
    a1 = code(lesson("A1-1")) + code(lesson("A1-2"))
    assert "staff.shape" not in a1 and "missing_summary(staff)" not in a1
    assert "staff.duplicated().sum()" not in code(lesson("A1-2")).split("# Your code here")[0]
    a1_text = prose(lesson("A1-1")) + prose(lesson("A1-2"))
    assert "149 rows" not in a1_text and "Six salaries" not in a1_text
    assert "6 exact copies" not in a1_text
    for name in ("B7-2", "B7-4"):
        assert "indicators.track(plan, reports, as_of=2025)" not in code(lesson(name))
    assert "Two indicators are off track" not in code(lesson("B7-4"))


@pytest.mark.parametrize("name", ["B4-", "B7-", "B8-"])
def test_track_b_lessons_ask_for_no_pandas_joins(name):
    """B4, B7 and B8 lessons use course functions, not concat, merge, groupby or fillna."""
    for path in LESSONS:
        if path.name.startswith(name):
            source = code(nbformat.read(path, as_version=4))
            assert not re.search(r"pd\.concat|\.merge\(|\.groupby\(|\.fillna\(", source), path.name
