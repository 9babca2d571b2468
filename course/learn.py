"""The learner API inside exercises: instant practice checks and hints in a series.

In an exercise notebook::

    from course.learn import Exercise
    ex = Exercise("B1-foundations")
    ex.check("q1", lao_egdi_2024)   # the practice checks, in plain words
    ex.hint("q1")                   # the next hint in the series

A grade cell calls `ex.grade("q1", value)`: the same practice checks, raising
AssertionError when one fails, followed by hidden tests that exist only in the
trainer's copy of the notebook. Every message comes from the catalogue.
"""

from __future__ import annotations

import contextlib
import html
import importlib
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from course import activity
from course.errors import UserError
from course.messages import draft_label, has, is_draft, t

PASS, NOT_YET, NOT_ATTEMPTED = "pass", "not_yet", "not_attempted"


@dataclass(frozen=True)
class Check:
    """One practice check: a predicate and the catalogue key of its "not yet" message.

    Attributes:
        message: The catalogue key of the "not yet" message. A full key has a dot
            ("check.is_number"); a short name ("count") is a question's own message, and
            `questions` turns it into the key "<CODE>.<question>.count". The message may
            use {variable}, {value} and the names in `values`; it never shows the
            expected value.
        test: Takes the learner's value and returns True when the check passes. An
            exception counts as "not yet", so a test may assume the earlier checks passed.
        values: Extra {placeholders} for the message, e.g. the bounds of a range.
        expected: For a computed number, the function giving the right value. With
            `tolerance`, it is the one definition of "right" that the practice check and
            the hidden test (`Exercise.agrees`) share, and that tests drive.
        tolerance: How far from `expected()` a number may be and still be right (0 for
            a count).
        choices: For the check that the answer is one of listed choices, the choices. The
            checks after it say which choice is right, so they never run in the trainee's
            copy: the question's practice check and grade cell stop there, and the
            hidden test alone decides.
        mistakes: Names a common mistake in a value that fails `test`: returns the
            catalogue key of a more telling message, with its extra {placeholders}, or
            None to keep `message`.
    """

    message: str
    test: Callable[[Any], bool]
    values: dict[str, Any] = field(default_factory=dict)
    expected: Callable[[], Any] | None = None
    tolerance: float | None = None
    choices: tuple[Any, ...] = ()
    mistakes: Callable[[Any], tuple[str, dict[str, Any]] | None] | None = None


@dataclass(frozen=True)
class Question:
    """One question, declared once: name, variable, checks and hint series.

    Attributes:
        name: The question's id in the notebook ("q1"), used by `ex.check("q1", ...)`.
        variable: The learner's variable the question asks for; messages name it.
        checks: The practice checks in order; the first that fails gives the message.
        hints: The catalogue keys of the hint series, shown one at a time.
        points: What the question is worth in nbgrader's grading.
    """

    name: str
    variable: str
    checks: tuple[Check, ...]
    hints: tuple[str, ...]
    points: float = 1

    @property
    def computed(self) -> Check | None:
        """The check that compares a number with its computed value and tolerance, if any."""
        return next((c for c in self.checks if c.tolerance is not None), None)

    @property
    def is_choice(self) -> bool:
        """True when the answer is one of listed choices (the checks never say which is right)."""
        return any(c.choices for c in self.checks)

    @property
    def practice_checks(self) -> tuple[Check, ...]:
        """The checks that run in the trainee's copy: for a choice question, up to the choice."""
        for position, check in enumerate(self.checks):
            if check.choices:
                return self.checks[: position + 1]
        return self.checks


def agrees(value: Any, expected: Any, tolerance: float) -> bool:
    """The one definition of a right number: at most `tolerance` away from `expected`.

    The practice check (`close_to`, `count`) and the hidden test (`Exercise.agrees`) both
    call this, so a practice "pass" never turns into a hidden-test fail.
    """
    if isinstance(value, bool):
        return False
    number, expected = float(value), float(expected)
    slack = 1e-9 * max(1.0, abs(expected))  # the last digits of a float are noise, not a mistake
    return not math.isnan(number) and abs(number - expected) <= tolerance + slack


@dataclass(frozen=True)
class Result:
    """The outcome of a practice check; shows as HTML in a notebook and as text elsewhere."""

    question: str
    status: str
    message: str
    passed_checks: int
    total_checks: int
    draft: bool = False  # the message shows a draft translation (see course.messages)
    activity: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def passed(self) -> bool:
        return self.status == PASS

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Text and HTML, with the exercise's record of checks and hints as display metadata."""
        return {"text/plain": str(self), "text/html": self._repr_html_()}, self.activity

    def __str__(self) -> str:
        label = t(f"check.label.{self.status}")
        return f"{label}: {self.message}" + _draft_text(self.draft)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = {PASS: "#1b7837", NOT_YET: "#b35806", NOT_ATTEMPTED: "#4d4d4d"}[self.status]
        label = html.escape(t(f"check.label.{self.status}"))
        return (
            f'<div class="dgt-check dgt-{self.status}" style="border-left:6px solid {colour};'
            f'padding:4px 10px;margin:4px 0"><strong style="color:{colour}">{label}</strong>: '
            f"{html.escape(self.message)}{_draft_html(self.draft)}</div>"
        )


@dataclass(frozen=True)
class Hint:
    """One hint of a series; shows as HTML in a notebook and as text elsewhere."""

    text: str
    level: int
    of: int
    draft: bool = False  # the hint shows a draft translation (see course.messages)
    activity: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Text and HTML, with the exercise's record of checks and hints as display metadata."""
        return {"text/plain": str(self), "text/html": self._repr_html_()}, self.activity

    def __str__(self) -> str:
        heading = t("hint.heading", level=self.level, total=self.of)
        return f"{heading} {self.text}" + _draft_text(self.draft)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        heading = html.escape(t("hint.heading", level=self.level, total=self.of))
        return (
            '<div class="dgt-hint" style="border-left:6px solid #2166ac;padding:4px 10px;'
            f'margin:4px 0"><strong>{heading}</strong> {html.escape(self.text)}'
            f"{_draft_html(self.draft)}</div>"
        )


def _draft_text(draft: bool) -> str:
    return f" [{draft_label()}]" if draft else ""


def _draft_html(draft: bool) -> str:
    """The visible marker after a message that shows a draft translation."""
    if not draft:
        return ""
    return (
        ' <span class="dgt-draft" style="font-size:0.85em;border:1px dashed #b35806;'
        f'padding:0 4px;margin-left:6px">{html.escape(draft_label())}</span>'
    )


def show_value(value: Any, limit: int = 80) -> str:
    """Return a short, readable form of a learner's value for a message."""
    if isinstance(value, float):
        text = f"{value:.6g}"
    elif hasattr(value, "shape") and hasattr(value, "columns"):
        text = t("value.table", rows=value.shape[0], columns=value.shape[1])
    elif hasattr(value, "shape") and hasattr(value, "index"):
        text = t("value.series", rows=len(value))
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_missing(value: Any) -> bool:
    """True for the placeholder values an unanswered question holds (None or ...)."""
    return value is None or value is Ellipsis


def _notebook_name(module_id: str) -> str:
    """The exercise notebook's file name, where the kernel finds the saved record."""
    from course.manifest import curriculum

    try:
        return curriculum().assignment(module_id).exercise.notebook
    except UserError:
        return f"{module_id}.ipynb"


class Exercise:
    """The questions of one module's exercise, with check, grade and hint."""

    def __init__(self, module_id: str, questions: Sequence[Question] | None = None) -> None:
        self.module_id = module_id
        if questions is None:
            name = "course.checks." + module_id.lower().replace("-", "_")
            try:
                questions = importlib.import_module(name).QUESTIONS
            except ModuleNotFoundError:
                raise UserError(t("check.unknown_module", module=module_id)) from None
        self.questions = {q.name: q for q in questions}
        self._hints_shown: dict[str, int] = {}
        self.record = activity.resume(module_id, Path.cwd() / _notebook_name(module_id))

    def _question(self, name: str) -> Question:
        if name not in self.questions:
            raise UserError(t("check.unknown_question", name=name, known=", ".join(self.questions)))
        return self.questions[name]

    def evaluate(self, name: str, value: Any) -> Result:
        """Run the practice checks of question `name` on `value`; return the outcome."""
        question = self._question(name)
        checks = question.practice_checks
        total = len(checks)
        if is_missing(value):
            message = t("check.not_attempted", variable=question.variable)
            draft = is_draft("check.not_attempted") or is_draft("check.label.not_attempted")
            return Result(name, NOT_ATTEMPTED, message, 0, total, draft)
        for passed, check in enumerate(checks):
            try:
                ok = bool(check.test(value))
            except Exception:  # a learner's odd value must give "not yet", never a traceback
                ok = False
            if not ok:
                key, extra = check.message, {}
                if check.mistakes is not None:
                    # naming a mistake must never fail the check itself
                    with contextlib.suppress(Exception):
                        key, extra = check.mistakes(value) or (key, extra)
                message = t(
                    key,
                    variable=question.variable,
                    value=show_value(value),
                    **{**check.values, **extra},
                )
                message += " " + t("check.try_hint", name=name)
                draft = any(map(is_draft, (key, "check.try_hint", "check.label.not_yet")))
                return Result(name, NOT_YET, message, passed, total, draft)
        key = "check.pass_choice" if question.is_choice else "check.pass"
        draft = is_draft(key) or is_draft("check.label.pass")
        return Result(name, PASS, t(key, passed=total, total=total), total, total, draft)

    def check(self, name: str, value: Any) -> Result:
        """Run the practice checks and return the result (it shows itself in a notebook).

        The check goes into the exercise's record (see `course.activity`), which the
        result carries into the notebook, so the trainer sees the attempts per question.
        """
        result = self.evaluate(name, value)
        if not activity.recording():  # a grading kernel: the grader's runs are not attempts
            return result
        self.record.add(activity.CHECK, name, result.status)
        return replace(result, activity=self.record.as_metadata())

    def grade(self, name: str, value: Any) -> None:
        """Used in grade cells: raise AssertionError with the plain message unless all checks pass."""
        result = self.evaluate(name, value)
        if not result.passed:
            raise AssertionError(str(result))

    def agrees(self, name: str, value: Any, expected: float) -> bool:
        """In a hidden test: True when `value` is right for `expected` by the question's own tolerance.

        `assert ex.agrees("q1", lao_egdi_2024, 0.44038)` uses the tolerance declared once in
        the question's `close_to` (or `count`) check, so the hidden test cannot be stricter
        or looser than the practice check.
        """
        check = self._question(name).computed
        if check is None or check.tolerance is None:
            raise ValueError(f"{self.module_id} {name}: no computed check with a tolerance")
        try:
            return agrees(value, expected, check.tolerance)
        except (TypeError, ValueError):
            return False

    def hint(self, name: str, level: int | None = None) -> Hint:
        """Return the next hint of question `name` (or hint number `level`)."""
        question = self._question(name)
        total = len(question.hints)
        if level is None:
            level = min(self._hints_shown.get(name, 0) + 1, total)
        if not 1 <= level <= total:
            raise UserError(t("hint.no_such_level", name=name, total=total))
        self._hints_shown[name] = max(level, self._hints_shown.get(name, 0))
        key = question.hints[level - 1]
        text, draft = t(key), is_draft(key) or is_draft("hint.heading")
        if not activity.recording():
            return Hint(text, level, total, draft)
        self.record.add(activity.HINT, name, level)
        return Hint(text, level, total, draft, self.record.as_metadata())

    def panel(self, name: str, get_value: Callable[[], Any]):
        """Return Check and Hint buttons for question `name` (ipywidgets).

        `get_value` is a function that returns the learner's current answer, e.g.
        `lambda: lao_egdi_2024`, so the button always checks the latest value.
        """
        import ipywidgets as widgets
        from IPython.display import display

        output = widgets.Output()
        check_button = widgets.Button(description=t("button.check"), icon="check")
        hint_button = widgets.Button(description=t("button.hint"), icon="lightbulb-o")

        def on_check(_):
            output.clear_output()
            try:
                value = get_value()
            except NameError:
                value = None
            with output:
                display(self.check(name, value))

        def on_hint(_):
            output.clear_output()
            with output:
                display(self.hint(name))

        check_button.on_click(on_check)
        hint_button.on_click(on_hint)
        return widgets.VBox([widgets.HBox([check_button, hint_button]), output])


# Declaring questions -------------------------------------------------------------------


@dataclass(frozen=True)
class Questions:
    """Declares the questions of one module, so a checks file spells no catalogue key.

    In `course/checks/a1_working_with_data.py`::

        q = Questions("A1")
        QUESTIONS = [
            q("q1", "n_records", hints=2, checks=[
                whole_number(), in_range(1, 100_000), count(lambda: len(staff()))]),
        ]

    A check with a short message name ("count") gets the key "A1.q1.count"; the hints
    are "A1.q1.hint1" and "A1.q1.hint2". Every key must be in the English catalogue,
    and the series must be complete (no "A1.q1.hint3" left out), or ValueError says so.

    Attributes:
        code: The module's short code ("A1"), the first part of every key.
    """

    code: str

    def __call__(
        self,
        name: str,
        variable: str,
        *,
        checks: Sequence[Check],
        hints: int,
        points: float = 1,
    ) -> Question:
        """Return question `name` with its check keys and hint series filled in."""
        prefix = f"{self.code}.{name}."
        checks = tuple(
            check if "." in check.message else replace(check, message=prefix + check.message)
            for check in checks
        )
        hint_keys = tuple(f"{prefix}hint{n}" for n in range(1, hints + 1))
        unknown = [k for k in (*(c.message for c in checks), *hint_keys) if not has(k)]
        if unknown:
            raise ValueError(f"{prefix[:-1]}: no message {', '.join(unknown)} in the catalogue")
        if has(f"{prefix}hint{hints + 1}"):
            raise ValueError(f"{prefix[:-1]}: hints={hints}, but the catalogue has more")
        return Question(name, variable, checks, hint_keys, points)


# Checks shared by the questions of every module -------------------------------------------
#
# A message given as a short name ("count") is the question's own; `Questions` makes it
# "<CODE>.<question>.count". Expected values come as functions, computed when checked.


def is_number() -> Check:
    """The value is a real number (int or float, not bool, not NaN)."""

    def test(value: Any) -> bool:
        if isinstance(value, bool):
            return False
        try:
            number = float(value)
        except (TypeError, ValueError):
            return False
        return not math.isnan(number) and type(value).__name__ not in {"str", "Series"}

    return Check("check.is_number", test)


def whole_number() -> Check:
    """The value is a whole number such as 3 or 3.0 (not bool)."""
    return Check("check.is_whole_number", lambda v: not isinstance(v, bool) and float(v) == int(v))


def in_range(low: float, high: float, message: str = "check.in_range") -> Check:
    """The number lies between low and high (inclusive); the message may show both."""
    return Check(message, lambda v: low <= float(v) <= high, {"low": low, "high": high})


def positive(message: str = "positive") -> Check:
    """The number is above 0."""
    return Check(message, lambda v: float(v) > 0)


def close_to(
    expected: Callable[[], float], tolerance: float = 1e-3, message: str = "check.close_to"
) -> Check:
    """The number is within `tolerance` of the value `expected()` computes (not shown to the learner).

    This is the question's one definition of "right": its hidden test compares with
    `ex.agrees(...)`, which uses the same tolerance through `agrees`.
    """
    return Check(
        message,
        lambda v: agrees(v, expected(), tolerance),
        expected=expected,
        tolerance=tolerance,
    )


def count(expected: Callable[[], int], message: str = "count") -> Check:
    """The whole number equals the count `expected()` computes (not shown to the learner)."""
    return Check(message, lambda v: agrees(v, expected(), 0), expected=expected, tolerance=0)


def equals(expected: Callable[[], Any], message: str) -> Check:
    """The value equals what `expected()` computes (not shown to the learner)."""
    return Check(message, lambda v: v == expected())


def _normal(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def _choice_mistake(options: Sequence[Any]) -> Callable[[Any], tuple[str, dict[str, Any]] | None]:
    """Name the common mistakes in a choice: several values, a number, a near spelling."""

    def mistake(value: Any) -> tuple[str, dict[str, Any]] | None:
        if isinstance(value, list | tuple | set | dict):
            return "check.choice.several", {}
        if isinstance(value, int | float) and not any(isinstance(o, int | float) for o in options):
            return "check.choice.number", {}
        if isinstance(value, str):
            near = [o for o in options if isinstance(o, str) and _normal(o) == _normal(value)]
            if near:
                return "check.choice.spelling", {"near": repr(near[0])}
        return None

    return mistake


def one_of(options: Sequence[Any], message: str = "check.one_of") -> Check:
    """The answer is one of the listed choices: a choice question's only practice check.

    The options may be shown: they are the choices. The practice check confirms the form
    only (a valid choice), never which choice is right, and the same goes for the grade
    cell in the trainee's copy: checks declared after this one do not run there (see
    `Check.choices`). The hidden test decides. A wrong form names the common mistake.
    """
    options = tuple(options)
    shown = ", ".join(repr(o) for o in options)
    return Check(
        message,
        lambda v: v in options,
        {"options": shown},
        choices=options,
        mistakes=_choice_mistake(options),
    )


def is_instance(kind: type | tuple[type, ...], message: str) -> Check:
    """The value is of the given type."""
    return Check(message, lambda v: isinstance(v, kind))


def is_text() -> Check:
    """The value is text (a str)."""
    return is_instance(str, "check.is_text")


def is_table() -> Check:
    """The value is a table (a pandas DataFrame)."""
    import pandas as pd

    return is_instance(pd.DataFrame, "check.is_table")


def is_series() -> Check:
    """The value is a pandas Series."""
    import pandas as pd

    return is_instance(pd.Series, "check.is_series")


def has_columns(*columns: str, message: str = "columns") -> Check:
    """The table has at least these columns (it may have more)."""
    return Check(message, lambda v: set(columns) <= set(v.columns))


def length(expected: Callable[[], int], message: str = "length") -> Check:
    """The table, column or list has as many rows or items as `expected()` says."""
    return Check(message, lambda v: len(v) == expected())


def text_list(message: str = "list") -> Check:
    """The value is a list (or tuple) whose items are all text, e.g. ["I01", "I02"]."""
    return Check(
        message, lambda v: isinstance(v, list | tuple) and all(isinstance(x, str) for x in v)
    )


def within(allowed: Callable[[], Iterable[Any]], message: str = "members") -> Check:
    """Every item of the list is one of `allowed()` (the choices it was picked from)."""
    return Check(message, lambda v: set(v) <= set(allowed()))


def same_set(expected: Callable[[], Iterable[Any]], message: str = "value") -> Check:
    """The list holds each item of `expected()` once, and nothing else; order is free."""
    return Check(message, lambda v: len(v) == len(set(v)) and set(v) == set(expected()))
