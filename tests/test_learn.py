"""course.learn: practice checks, the three outcomes, and hints in a series."""

import pandas as pd
import pytest

from course.errors import UserError
from course.learn import (
    NOT_ATTEMPTED,
    NOT_YET,
    PASS,
    Check,
    Exercise,
    Questions,
    count,
    has_columns,
    in_range,
    is_series,
    is_table,
    is_text,
    length,
    one_of,
    positive,
    same_set,
    text_list,
    whole_number,
    within,
)


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
    rows = egdi[(egdi.year == 2024) & egdi.iso3.isin(data.asean(as_of=2024))]
    assert ex.check("q3", rows).status == NOT_YET  # not sorted
    assert ex.check("q3", rows.sort_values("egdi", ascending=False)).status == PASS


def test_grade_raises_assertion_with_the_plain_message(ex):
    """grade() passes silently or raises AssertionError carrying the same message."""
    ex.grade("q5", "osi")
    with pytest.raises(AssertionError, match="weakest_component"):
        ex.grade("q5", "internet")  # not one of the choices (which choice is right, it never says)


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


# The question builder and the shared checks ------------------------------------------


def test_the_builder_derives_check_keys_and_the_hint_series():
    """A short check name becomes <CODE>.<q>.<name>; a full key stays; hints run 1..N."""
    q = Questions("A1")
    question = q("q1", "n_records", hints=2, checks=[whole_number(), count(lambda: 3)], points=2)
    assert [c.message for c in question.checks] == ["check.is_whole_number", "A1.q1.count"]
    assert question.hints == ("A1.q1.hint1", "A1.q1.hint2")
    assert (question.name, question.variable, question.points) == ("q1", "n_records", 2)


def test_the_builder_refuses_an_unknown_key_and_an_incomplete_hint_series():
    """A check name or hint the catalogue lacks, or a hint left out, is caught at once."""
    q = Questions("A1")
    with pytest.raises(ValueError, match=r"A1\.q1\.no_such_message"):
        q("q1", "n_records", hints=2, checks=[Check("no_such_message", bool)])
    with pytest.raises(ValueError, match=r"A1\.q1\.hint3"):
        q("q1", "n_records", hints=3, checks=[])
    with pytest.raises(ValueError, match="more"):
        q("q1", "n_records", hints=1, checks=[])


def test_every_exercise_question_comes_from_the_builder():
    """Each module's questions have keys under their own <CODE>.<q>. or a shared check.* key."""
    import importlib

    from course.manifest import curriculum

    for module in curriculum().modules:
        for question in importlib.import_module(module.checks_module).QUESTIONS:
            own = f"{module.code}.{question.name}."
            assert question.hints == tuple(
                f"{own}hint{n}" for n in range(1, len(question.hints) + 1)
            )
            for check in question.checks:
                assert check.message.startswith((own, "check.", f"{module.code}.")), check


def passes(check: Check, value) -> bool:
    """Run one check the way Exercise does: an exception is a fail."""
    try:
        return bool(check.test(value))
    except Exception:
        return False


@pytest.mark.parametrize(
    ("check", "good", "bad"),
    [
        (whole_number(), [3, 3.0, -2], [3.5, True, "x", None, float("nan")]),
        (in_range(0, 1), [0, 0.5, 1], [-0.1, 1.01, "x"]),
        (positive(), [0.1, 5], [0, -1, "x"]),
        (count(lambda: 4), [4, 4.0], [5, "x", None]),
        (length(lambda: 2), [[1, 2], "ab", pd.Series([1, 2])], [[1], 3]),
        (one_of(["a", "b"]), ["a", "b"], ["c", None]),
        (is_text(), ["Sekong"], [3, None]),
        (is_table(), [pd.DataFrame({"a": [1]})], [pd.Series([1]), [1]]),
        (is_series(), [pd.Series([1])], [pd.DataFrame({"a": [1]}), [1]]),
        (
            has_columns("a", "b"),
            [pd.DataFrame(columns=["a", "b", "c"])],
            [pd.DataFrame(columns=["a"]), 3],
        ),
        (text_list(), [["I01", "I02"], ("I01",), []], [[1], "I01", ["I01", 2], None]),
        (within(lambda: {"a", "b"}), [["a"], ["a", "b"], []], [["c"], ["a", "z"], 3]),
        (
            same_set(lambda: ["a", "b"]),
            [["a", "b"], ("b", "a")],
            [["a"], ["a", "b", "b"], ["a", "b", "c"]],
        ),
    ],
)
def test_each_shared_check_on_good_and_bad_values(check, good, bad):
    """Each shared check passes the values it should and fails the others (never raises)."""
    for value in good:
        assert passes(check, value), (check.message, value)
    for value in bad:
        assert not passes(check, value), (check.message, value)


def test_shared_checks_have_short_names_or_catalogue_keys():
    """Shared checks with a message of their own use check.*; the rest are the question's own."""
    assert whole_number().message == "check.is_whole_number"
    assert in_range(0, 1).values == {"low": 0, "high": 1}
    assert (count(lambda: 1).message, length(lambda: 1).message) == ("count", "length")
    assert (text_list().message, within(list).message, same_set(list).message) == (
        "list",
        "members",
        "value",
    )


def test_one_definition_of_a_right_number():
    """agrees() is inclusive at the tolerance, refuses bools and NaN; ex.agrees uses the question's."""
    from course.learn import agrees, close_to

    assert agrees(1.05, 1.0, 0.05) and not agrees(1.0501, 1.0, 0.05)
    assert not agrees(True, 1, 0) and not agrees(float("nan"), 1, 1)
    check = close_to(lambda: 2.0, 0.1)
    assert (check.tolerance, check.expected()) == (0.1, 2.0)
    a2 = Exercise("A2-safe-secure-work")
    assert a2.agrees("q1", 41.3594 + 0.009, 41.3594)
    assert not a2.agrees("q1", 41.3594 + 0.011, 41.3594)
    assert not a2.agrees("q1", "41.36x", 41.3594)
    with pytest.raises(ValueError, match="no computed check"):
        a2.agrees("q4", ["x"], 1)
