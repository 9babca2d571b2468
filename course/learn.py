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

import html
import importlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from course.errors import UserError
from course.messages import t

PASS, NOT_YET, NOT_ATTEMPTED = "pass", "not_yet", "not_attempted"


@dataclass(frozen=True)
class Check:
    """One practice check: a predicate and the catalogue key of its "not yet" message.

    The message may use {variable} and {value}; it never shows the expected value.
    """

    message: str
    test: Callable[[Any], bool]
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    """One question, declared once: name, variable, checks and hint series."""

    name: str
    variable: str
    checks: tuple[Check, ...]
    hints: tuple[str, ...]
    points: float = 1


@dataclass(frozen=True)
class Result:
    """The outcome of a practice check; shows as HTML in a notebook and as text elsewhere."""

    question: str
    status: str
    message: str
    passed_checks: int
    total_checks: int

    @property
    def passed(self) -> bool:
        return self.status == PASS

    def __str__(self) -> str:
        label = t(f"check.label.{self.status}")
        return f"{label}: {self.message}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = {PASS: "#1b7837", NOT_YET: "#b35806", NOT_ATTEMPTED: "#4d4d4d"}[self.status]
        label = html.escape(t(f"check.label.{self.status}"))
        return (
            f'<div class="dgt-check dgt-{self.status}" style="border-left:6px solid {colour};'
            f'padding:4px 10px;margin:4px 0"><strong style="color:{colour}">{label}</strong>: '
            f"{html.escape(self.message)}</div>"
        )


@dataclass(frozen=True)
class Hint:
    """One hint of a series; shows as HTML in a notebook and as text elsewhere."""

    text: str
    level: int
    of: int

    def __str__(self) -> str:
        return t("hint.heading", level=self.level, total=self.of) + " " + self.text

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        heading = html.escape(t("hint.heading", level=self.level, total=self.of))
        return (
            '<div class="dgt-hint" style="border-left:6px solid #2166ac;padding:4px 10px;'
            f'margin:4px 0"><strong>{heading}</strong> {html.escape(self.text)}</div>'
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

    def _question(self, name: str) -> Question:
        if name not in self.questions:
            raise UserError(t("check.unknown_question", name=name, known=", ".join(self.questions)))
        return self.questions[name]

    def evaluate(self, name: str, value: Any) -> Result:
        """Run the practice checks of question `name` on `value`; return the outcome."""
        question = self._question(name)
        total = len(question.checks)
        if is_missing(value):
            message = t("check.not_attempted", variable=question.variable)
            return Result(name, NOT_ATTEMPTED, message, 0, total)
        for passed, check in enumerate(question.checks):
            try:
                ok = bool(check.test(value))
            except Exception:  # a learner's odd value must give "not yet", never a traceback
                ok = False
            if not ok:
                message = t(
                    check.message,
                    variable=question.variable,
                    value=show_value(value),
                    **check.values,
                )
                message += " " + t("check.try_hint", name=name)
                return Result(name, NOT_YET, message, passed, total)
        return Result(name, PASS, t("check.pass", passed=total, total=total), total, total)

    def check(self, name: str, value: Any) -> Result:
        """Run the practice checks and return the result (it shows itself in a notebook)."""
        return self.evaluate(name, value)

    def grade(self, name: str, value: Any) -> None:
        """Used in grade cells: raise AssertionError with the plain message unless all checks pass."""
        result = self.evaluate(name, value)
        if not result.passed:
            raise AssertionError(str(result))

    def hint(self, name: str, level: int | None = None) -> Hint:
        """Return the next hint of question `name` (or hint number `level`)."""
        question = self._question(name)
        total = len(question.hints)
        if level is None:
            level = min(self._hints_shown.get(name, 0) + 1, total)
        if not 1 <= level <= total:
            raise UserError(t("hint.no_such_level", name=name, total=total))
        self._hints_shown[name] = max(level, self._hints_shown.get(name, 0))
        return Hint(t(question.hints[level - 1]), level, total)

    def panel(self, name: str, get_value: Callable[[], Any]):
        """Return Check and Hint buttons for question `name` (ipywidgets).

        `get_value` is a function that returns the learner's current answer, e.g.
        `lambda: lao_egdi_2024`, so the button always checks the latest value.
        """
        import ipywidgets as widgets
        from IPython.display import HTML, display

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
                display(HTML(self.check(name, value)._repr_html_()))

        def on_hint(_):
            output.clear_output()
            with output:
                display(HTML(self.hint(name)._repr_html_()))

        check_button.on_click(on_check)
        hint_button.on_click(on_hint)
        return widgets.VBox([widgets.HBox([check_button, hint_button]), output])


# Building blocks for check definitions -------------------------------------------------


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


def in_range(low: float, high: float) -> Check:
    """The number lies between low and high (inclusive)."""
    return Check("check.in_range", lambda v: low <= float(v) <= high, {"low": low, "high": high})


def close_to(
    expected: Callable[[], float], tolerance: float = 1e-3, message: str = "check.close_to"
) -> Check:
    """The number is within `tolerance` of the value `expected()` computes (not shown to the learner)."""
    return Check(message, lambda v: abs(float(v) - float(expected())) <= tolerance)


def equals(expected: Callable[[], Any], message: str) -> Check:
    """The value equals what `expected()` computes (not shown to the learner)."""
    return Check(message, lambda v: v == expected())


def one_of(options: Sequence[Any], message: str = "check.one_of") -> Check:
    """The value is one of the listed options (the options may be shown: they are choices)."""
    shown = ", ".join(repr(o) for o in options)
    return Check(message, lambda v: v in options, {"options": shown})


def is_instance(kind: type | tuple[type, ...], message: str) -> Check:
    """The value is of the given type."""
    return Check(message, lambda v: isinstance(v, kind))
