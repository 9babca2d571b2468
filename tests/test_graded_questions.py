"""Graded questions across every exercise: one definition of "right", choices that do not reveal.

Driven by the manifest, so every module's exercise and the pre/post tests are covered.
"""

from __future__ import annotations

import contextlib
import importlib
import math
import re

import nbformat
import pytest

from course.learn import PASS, Exercise, Question
from course.manifest import curriculum

UNITS = [*curriculum().modules, *curriculum().assessments]
GRADE_LINE = re.compile(r'ex\.grade\("(?P<name>\w+)",\s*(?P<variable>\w+)\)')
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(?P<body>.*?)### END HIDDEN TESTS", re.S)


def questions(unit) -> list[Question]:
    return importlib.import_module(unit.checks_module).QUESTIONS


def run_source(unit, monkeypatch) -> tuple[dict, dict[str, str]]:
    """Run the trainer's source notebook in this process; return its namespace and hidden tests.

    The hidden tests come back by question name, so a test can run them alone on any value.
    """
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(unit.exercise.source.parent)
    notebook = nbformat.read(unit.exercise.source, as_version=4)
    # A real kernel gives every cell IPython's `display` (B6's look cells call it), so does this.
    from IPython.display import display

    namespace: dict = {"__name__": "__main__", "display": display}
    hidden: dict[str, str] = {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "cell")
        try:
            exec(compile(cell.source, f"{unit.id}:{grade_id}", "exec"), namespace)
        except Exception:
            if "raises-exception" not in cell.metadata.get("tags", []):
                raise
        found = GRADE_LINE.search(cell.source)
        if cell.metadata.get("nbgrader", {}).get("grade") and found:
            hidden[found["name"]] = HIDDEN.search(cell.source)["body"]
    return namespace, hidden


def hidden_passes(hidden: str, namespace: dict, variable: str, value) -> bool:
    """Run one question's hidden test alone, with the trainee's variable set to `value`."""
    try:
        exec(hidden, {**namespace, variable: value})
    except AssertionError:
        return False
    return True


def probes(expected: float, tolerance: float) -> list[tuple[str, float, bool]]:
    """Values just inside (right) and just outside (wrong) the tolerance around `expected`."""
    if tolerance == 0:  # a count: only the number itself is right
        return [("exact", expected, True), ("one more", expected + 1, False)] + (
            [("one less", expected - 1, False)] if expected >= 1 else []
        )
    return [
        ("just inside above", expected + 0.9 * tolerance, True),
        ("just inside below", expected - 0.9 * tolerance, True),
        ("just outside above", expected + 1.1 * tolerance, False),
        ("just outside below", expected - 1.1 * tolerance, False),
    ]


def computed(unit) -> list[Question]:
    return [q for q in questions(unit) if q.computed is not None]


# Track B exercises whose hidden tests still carry their own, stricter tolerance. Their
# engineer moves them to `assert ex.agrees("qN", value, expected)`; then this list empties.
TRACK_B_PENDING: set[str] = set()


def _marked(unit):
    if unit.id in TRACK_B_PENDING:
        reason = "Track B: hidden test to use ex.agrees, one tolerance (issue #19)"
        return pytest.param(unit, marks=pytest.mark.xfail(reason=reason, strict=False), id=unit.id)
    return pytest.param(unit, id=unit.id)


@pytest.mark.slow
@pytest.mark.parametrize("unit", [_marked(u) for u in UNITS if computed(u)])
def test_practice_check_and_hidden_test_share_one_definition_of_right(unit, monkeypatch):
    """For each computed question: the solution, and values just inside and just outside the
    tolerance, get the same verdict from the practice check and from the hidden test alone."""
    namespace, hidden = run_source(unit, monkeypatch)
    exercise: Exercise = namespace["ex"]
    disagreements = []
    for question in computed(unit):
        check = question.computed
        solution = namespace[question.variable]
        expected = float(check.expected())
        cases = [("solution", solution, True), *probes(expected, check.tolerance)]
        if check.tolerance == 0:
            cases = [(label, int(value), right) for label, value, right in cases]
        for label, value, right in cases:
            practice = exercise.evaluate(question.name, value).status == PASS
            graded = hidden_passes(hidden[question.name], namespace, question.variable, value)
            if not practice == graded == right:
                disagreements.append(
                    f"{question.name} {label} {value!r} (tolerance {check.tolerance}): "
                    f"practice {'passes' if practice else 'fails'}, "
                    f"hidden test {'passes' if graded else 'fails'}"
                )
    assert not disagreements, "\n".join(disagreements)


def test_every_computed_check_declares_its_value_and_tolerance():
    """A question whose check compares with a computed number declares it once: expected and tolerance."""
    for unit in UNITS:
        for question in computed(unit):
            check = question.computed
            assert check.tolerance >= 0 and callable(check.expected), (unit.id, question.name)
            assert math.isfinite(float(check.expected())), (unit.id, question.name)


@pytest.mark.parametrize("placeholder", [None, ...], ids=["None", "Ellipsis"])
def test_a_placeholder_left_in_place_is_not_attempted(placeholder):
    """Track A's cells hold `None`, Track B's prepared lines `...`: both are "not attempted",
    and the message names both, so it is right whichever the trainee's cell holds."""
    from course.learn import NOT_ATTEMPTED, is_missing

    assert is_missing(placeholder)
    assert not any(is_missing(v) for v in (0, 0.0, "", [], False))
    for module_id, name in (("A2-safe-secure-work", "q1"), ("B1-foundations", "q1")):
        result = Exercise(module_id).evaluate(name, placeholder)
        assert result.status == NOT_ATTEMPTED, result
        assert "`None`" in str(result) and "`...`" in str(result), result


# Choice questions ----------------------------------------------------------------------


def choice_questions() -> list[tuple[str, Question]]:
    return [(u.id, q) for u in UNITS for q in questions(u) if q.is_choice]


@pytest.mark.parametrize(
    ("unit_id", "question"), choice_questions(), ids=lambda x: getattr(x, "name", x)
)
def test_a_choice_question_never_says_which_choice_is_right(unit_id, question):
    """Every valid choice gets the very same practice message and status, in check and grade."""
    exercise = Exercise(unit_id)
    choices = next(c.choices for c in question.checks if c.choices)
    results = {choice: exercise.evaluate(question.name, choice) for choice in choices}
    assert {str(r) for r in results.values()} == {str(results[choices[0]])}, results
    assert all(r.status == PASS for r in results.values())
    assert "does not say whether it is the right choice" in str(results[choices[0]])
    for choice in choices:  # the grade cell the trainee can run says nothing more
        exercise.grade(question.name, choice)


@pytest.mark.parametrize(
    ("unit_id", "question"), choice_questions(), ids=lambda x: getattr(x, "name", x)
)
def test_a_choice_question_names_the_common_mistakes_in_form(unit_id, question):
    """Several values, or a near spelling of a choice, get a message that names the mistake."""
    exercise = Exercise(unit_id)
    position = next(n for n, c in enumerate(question.checks) if c.choices)
    choices = question.checks[position].choices
    text = [c for c in choices if isinstance(c, str)]
    several = exercise.evaluate(question.name, list(choices[:2]))
    # an earlier type check of the question names it, or the choice check does
    assert several.passed_checks < position or "several values" in str(several), several
    if text:
        near = exercise.evaluate(question.name, "  " + text[0].upper().replace("_", " ") + " ")
        if near.status != PASS:
            assert "nearly the choice" in str(near), near


@pytest.mark.slow
@pytest.mark.parametrize(
    "unit", [u for u in UNITS if any(q.is_choice for q in questions(u))], ids=lambda u: u.id
)
def test_the_hidden_test_alone_decides_a_choice(unit, monkeypatch):
    """The trainee's checks stop at the form, so the hidden test must pass exactly one
    choice (a choice question is never left ungraded), and the solution's."""
    namespace, hidden = run_source(unit, monkeypatch)
    for question in (q for q in questions(unit) if q.is_choice):
        choices = next(c.choices for c in question.checks if c.choices)
        passing = [
            c
            for c in choices
            if hidden_passes(hidden[question.name], namespace, question.variable, c)
        ]
        assert passing == [namespace[question.variable]], (question.name, passing)


# A graded answer is never printed where the trainee reads it ------------------------------


def _compared(test) -> set:
    """The constants an assert compares the answer with: `x == 149`, `ex.agrees("q1", x, 0.44)`,
    `abs(x - 0.44) < tol`, `sorted(x) == ["a", "b"]`; not keys, column names or tolerances."""
    import ast

    found: set = set()

    def constants(node) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str):
            if not isinstance(node.value, bool):
                found.add(node.value)
        elif isinstance(node, ast.List | ast.Tuple | ast.Set):
            for item in node.elts:
                constants(item)
        elif isinstance(node, ast.UnaryOp):
            if isinstance(node.operand, ast.Constant):
                found.add(-node.operand.value)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub | ast.Div):
            if isinstance(node.op, ast.Div):  # 8 / 36: the value, not its parts
                with contextlib.suppress(ValueError):
                    found.add(ast.literal_eval(node.left) / ast.literal_eval(node.right))
            else:
                constants(node.right)

    if isinstance(test, ast.BoolOp):
        for value in test.values:
            found |= _compared(value)
    elif isinstance(test, ast.Compare) and all(isinstance(o, ast.Eq) for o in test.ops):
        for side in (test.left, *test.comparators):
            constants(side)
    elif isinstance(test, ast.Compare):  # abs(x - expected) < tolerance
        left = test.left.args[0] if isinstance(test.left, ast.Call) and test.left.args else None
        if left is not None:
            constants(left.args[0] if isinstance(left, ast.Call) and left.args else left)
    elif isinstance(test, ast.Call) and getattr(test.func, "attr", "") == "agrees":
        constants(test.args[-1])
    return found


def _answer_values(source: nbformat.NotebookNode, unit) -> dict[str, set]:
    """Per question: the answers its hidden test compares with, and its computed expected value."""
    import ast

    found: dict[str, set] = {}
    for cell in source.cells:
        grade = GRADE_LINE.search(cell.source) if cell.cell_type == "code" else None
        body = HIDDEN.search(cell.source) if grade else None
        if not body:
            continue
        values = found.setdefault(grade["name"], set())
        for node in ast.walk(ast.parse(body["body"])):
            if isinstance(node, ast.Assert):
                values |= _compared(node.test)
    for question in questions(unit):
        if question.computed is not None:
            found.setdefault(question.name, set()).add(float(question.computed.expected()))
    return found


NOT_AN_ANSWER = re.compile(r"^\s*(points?|sentences?|[–-]|\||words?|%)")


def _patterns(value) -> list[re.Pattern]:
    """How an answer may show in text: 1,234 / 1 234 / 1234, or a decimal to 1–4 places."""
    if isinstance(value, str):
        return (
            [re.compile(rf"(?<![\w]){re.escape(value)}(?![\w])", re.I)] if len(value) >= 3 else []
        )
    if float(value).is_integer():
        n = int(value)
        if n in (0, 1):  # too common in any text to mean the answer
            return []
        digits = f"{abs(n):,}".replace(",", "[, ]?")
        return [re.compile(rf"(?<![\w.,]){'-' if n < 0 else ''}{digits}(?![\w]|[.,]\d)")]
    shown = set()
    for places in range(1, 5):
        text = f"{float(value):.{places}f}".rstrip("0").rstrip(".")
        if "." in text and len(text.lstrip("-")) >= 3:
            shown.add(text)
    return [re.compile(rf"(?<![\w.]){re.escape(s)}(?!\d)") for s in shown]


def _trainee_texts(unit, source: nbformat.NotebookNode) -> dict[str, str]:
    """What the trainee reads that is not the question: check messages, hints, rubrics."""
    from course.messages import catalogue

    english = catalogue("en")
    texts = {}
    for question in questions(unit):
        for check in question.checks:
            texts[f"{question.name} {check.message}"] = english[check.message]
        for key in question.hints:
            texts[f"{question.name} {key}"] = english[key]
    for cell in source.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        # A written answer's solution cell (the trainer's rubric and model answer) is only in
        # the trainer's copy: nbgrader replaces it with "YOUR ANSWER HERE" in the released one.
        solution = cell.metadata.get("nbgrader", {}).get("solution")
        if solution and cell.cell_type == "markdown" and "BEGIN SOLUTION" not in cell.source:
            continue
        if cell.cell_type == "markdown" and "rubric" in cell.source.lower():
            texts[f"{grade_id} rubric"] = cell.source[cell.source.lower().index("rubric") :]
    return texts


PRINTS_PENDING: set[str] = set()
# Texts that list every option of a question (A3 q8: the checklist items), not its answer.
OPTION_LISTS = {
    ("A3", "q8 A3.q8.members"): "q8",
    ("A3", "w1_question rubric"): "q8",
    # B1 q5 and B2 q7: the worked example gives made-up numbers for all three components
    # and picks one that is not the answer; B7 q6 hint 1 names every status of the look cell.
    ("B1", "q5 B1.q5.hint2"): "q5",
    ("B2", "q7 B2.q7.hint2"): "q7",
    ("B7", "q6 B7.q6.hint1"): "q5",
}
# Values a text repeats because the question gives them, not because they answer another one:
# B4 q9's text says I01 and I03 are done; B7's setup cell gives the draft logframe's five ids.
GIVEN = {
    ("B4", "q9 B4.q9.ids"): {"I01"},
    ("B7", "q1 B7.q1.rows"): {"I1", "A1", "OP1", "OC1", "IM1"},
}
# An answer that is also a plain word of the exercise's subject counts only in quotes:
# B6's channel "online" is the answer's, "a public service online" is not.
PLAIN_WORDS = {("B6", "online")}
# The end of a range is a count the text asks for ("names 2–3 initiatives"), as "3–5 sentences".
RANGE_END = re.compile(r"\d\s*[–-]\s*$")


def _scan_param(unit):
    if unit.id in PRINTS_PENDING:
        reason = "Track B: a check message, hint or rubric shows an answer (issue #19)"
        return pytest.param(unit, marks=pytest.mark.xfail(reason=reason, strict=False), id=unit.id)
    return pytest.param(unit, id=unit.id)


@pytest.mark.parametrize("unit", [_scan_param(u) for u in UNITS])
def test_no_check_message_hint_or_rubric_shows_a_graded_answer(unit):
    """Scan every message, hint and rubric the trainee sees for the answers of the hidden tests.

    Text inside `code` is skipped for words (a parameter called `subject` is not the
    answer "subject"), and one-digit numbers count only in rubrics, where "6 blank
    salaries" would give an answer away (not "2 points" or "3–5 sentences").
    """
    source = nbformat.read(unit.exercise.source, as_version=4)
    answers = _answer_values(source, unit)
    # A name in the exercise's title is the subject of every question (B1 "benchmarking Lao
    # PDR"), not an answer, though a hidden test compares with it (B1 q3: Lao PDR comes last).
    title = source.cells[0].source.splitlines()[0]
    shown = []
    for where, text in _trainee_texts(unit, source).items():
        prose = re.sub(r"`[^`]*`", lambda m: m.group(0) if '"' in m.group(0) else " ", text)
        for question, values in answers.items():
            if OPTION_LISTS.get((unit.code, where)) == question:
                continue
            for value in values:
                small = not isinstance(value, str) and abs(value) < 10 and float(value).is_integer()
                if small and "rubric" not in where:
                    continue
                if value in GIVEN.get((unit.code, where), set()):
                    continue
                if isinstance(value, str) and value in title:
                    continue
                for pattern in _patterns(value):
                    for found in pattern.finditer(prose if isinstance(value, str) else text):
                        after = text[found.end() :] if not isinstance(value, str) else ""
                        before = text[: found.start()]
                        if (unit.code, value) in PLAIN_WORDS and not before.endswith(('"', "'")):
                            continue
                        if not isinstance(value, str) and RANGE_END.search(before):
                            continue
                        if not NOT_AN_ANSWER.match(after):
                            shown.append(f"{where}: {found.group(0)!r} (answer of {question})")
    assert not shown, "\n".join(sorted(set(shown)))


# Each exercise states its time; each question has a title ------------------------------

# Track B's exercises get their introduction line and titles from their own engineer;
# until then these tests mark them as expected to fail (remove an id once it passes).
INTRO_PENDING: set[str] = set()


def _intro_param(unit):
    if unit.id in INTRO_PENDING:
        reason = "Track B: the exercise's introduction line and question titles (issues #18, #19)"
        return pytest.param(unit, marks=pytest.mark.xfail(reason=reason, strict=False), id=unit.id)
    return pytest.param(unit, id=unit.id)


@pytest.mark.parametrize("unit", [_intro_param(u) for u in UNITS])
def test_every_exercise_states_its_time_as_the_manifest_does(unit):
    """The manifest gives the exercise's minutes, and its introduction says the same number."""
    minutes = unit.exercise.minutes
    assert isinstance(minutes, int) and minutes > 0, unit.id
    intro = nbformat.read(unit.exercise.source, as_version=4).cells[0].source
    stated = re.findall(r"(\d+)\s+minutes", intro)
    assert stated == [str(minutes)], f"{unit.id}: the introduction says {stated} minutes"


@pytest.mark.parametrize("unit", [_intro_param(u) for u in UNITS])
def test_every_question_heading_has_a_title(unit):
    """`## Question N (k points) — title`, read as the feedback and the report read it."""
    from autograder.results import heading_label

    source = nbformat.read(unit.exercise.source, as_version=4)
    headings = [
        cell.source.strip().splitlines()[0]
        for cell in source.cells
        if cell.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_question")
    ]
    assert headings, unit.id
    untitled = [h for h in headings if " — " not in (heading_label(h) or "")]
    assert not untitled, f"{unit.id}: {untitled}"
