"""course.learn: practice checks, the three outcomes, and hints in a series."""

import pandas as pd
import pytest

from course.errors import UserError
from course.learn import NOT_ATTEMPTED, NOT_YET, PASS, Exercise


@pytest.fixture
def ex():
    return Exercise("B1-foundations")


def test_three_outcomes(ex):
    """None is 'not attempted', a wrong number is 'not yet', the right one passes."""
    assert ex.check("q1", None).status == NOT_ATTEMPTED
    assert ex.check("q1", 0.5).status == NOT_YET
    assert ex.check("q1", 0.44038).status == PASS


def test_pass_says_practice_checks_not_correct(ex):
    """A pass says the practice checks pass, never that the answer is correct."""
    result = ex.check("q1", 0.44038)
    assert "practice checks pass" in str(result)
    assert "correct" not in str(result).lower()


def test_failure_names_variable_and_value_never_the_expected(ex):
    """'Not yet' names the learner's variable and value, and never shows 0.44038."""
    message = str(ex.check("q1", 0.5))
    assert "lao_egdi_2024" in message and "0.5" in message
    assert "0.44" not in message


def test_odd_values_give_not_yet_not_a_traceback(ex):
    """Text, lists or tables where a number is expected give a message, not an exception."""
    for value in ("0.44", [0.44], pd.DataFrame({"a": [1]}), float("nan"), True):
        assert ex.check("q1", value).status == NOT_YET


def test_table_question(ex):
    """q3 wants the ASEAN members sorted by EGDI."""
    from course import data

    egdi = data.egdi()
    rows = egdi[(egdi.year == 2024) & egdi.iso3.isin(data.asean())]
    assert ex.check("q3", rows).status == NOT_YET  # not sorted
    assert ex.check("q3", rows.sort_values("egdi", ascending=False)).status == PASS


def test_grade_raises_assertion_with_the_plain_message(ex):
    """grade() passes silently or raises AssertionError carrying the same message."""
    ex.grade("q5", "osi")
    with pytest.raises(AssertionError, match="weakest_component"):
        ex.grade("q5", "tii")


def test_hints_come_in_a_series(ex):
    """Each call shows the next hint, stopping at the last; a level can be asked for."""
    first, second, third, again = (ex.hint("q1") for _ in range(4))
    assert (first.level, second.level, third.level, again.level) == (1, 2, 3, 3)
    assert first.of == 3 and first.text != second.text
    assert ex.hint("q1", level=1).text == first.text
    with pytest.raises(UserError):
        ex.hint("q1", level=9)


def test_html_is_escaped(ex):
    """A value with HTML in it is shown as text."""
    result = ex.check("q5", "<script>x</script>")
    assert "<script>" not in result._repr_html_()
    assert "&lt;script&gt;" in result._repr_html_()


def test_unknown_question_and_module(ex):
    """Typos in ids give a clear message."""
    with pytest.raises(UserError, match="q1, q2"):
        ex.check("q99", 1)
    with pytest.raises(UserError, match="no checks for module"):
        Exercise("Z9-nothing")
