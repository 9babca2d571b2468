"""Track B's no-code path: fill only the prepared values of the released notebooks and score full marks.

Every graded answer cell of a Track B exercise holds one or more prepared lines such as
`lao_egdi_2024 = ...  # type the number ...` (or `"data": ...,  # ...` inside a typed
table). The right value for each is in the cell's solution region, as a value a person
can type: numbers, text, True/False, lists, a sum like `284 / 349`. The slow test takes
the trainee version that real `nbgrader generate_assignment` makes, replaces only those
`...` with the values, and checks that real `nbgrader autograde` gives every point.
"""

from __future__ import annotations

import ast
import re

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.results import heading_label
from autograder.submissions import autograded_points
from course.manifest import curriculum

TRACK_B = [m for m in curriculum().modules if m.track == "B"]
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
# A prepared line: `name = ...  # what to type` or, in a typed table, `"key": ...,  # ...`.
PLACEHOLDER = re.compile(
    r"^\s*(?:(?P<name>\w+) = |\"(?P<key>[^\"]+)\": )\.\.\.(?P<comma>,?)(?:\s+#.*)?$"
)
# What a trainee can type: values and arithmetic on them, never a name or a call.
TYPED = (
    ast.Expression,
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Dict,
    ast.Set,
    ast.BinOp,
    ast.UnaryOp,
    ast.operator,
    ast.unaryop,
    ast.expr_context,
)


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def answer_cells(notebook) -> dict[str, str]:
    """The autograded answer cells of a notebook by grade id (e.g. "q1_answer")."""
    graded = {
        grade_id.removesuffix("_tests") for grade_id in autograded_points(notebook) if grade_id
    }
    return {
        _nbgrader(cell)["grade_id"]: cell.source
        for cell in notebook.cells
        if _nbgrader(cell).get("solution")
        and cell.cell_type == "code"
        and _nbgrader(cell)["grade_id"].removesuffix("_answer") in graded
    }


def placeholders(source: str) -> list[re.Match]:
    """The prepared lines of an answer cell, outside its solution region."""
    lines, inside, found = source.splitlines(), False, []
    for line in lines:
        if line.strip() in (BEGIN, END):
            inside = line.strip() == BEGIN
            continue
        match = PLACEHOLDER.match(line)
        if match and not inside:
            found.append(match)
    return found


def solution_region(source: str) -> str:
    lines = source.splitlines()
    return "\n".join(lines[lines.index(BEGIN) + 1 : lines.index(END)])


def typed_values(source: str) -> dict[str, str]:
    """For each prepared line, the text of its right value, from the solution region.

    Fails when the value is not something a person types (a name, a call, an attribute).
    """
    region = solution_region(source)
    tree = ast.parse(region)
    values: dict[str, str] = {}
    for match in placeholders(source):
        node = None
        if match["name"]:
            node = next(
                (
                    n.value
                    for n in tree.body
                    if isinstance(n, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == match["name"] for t in n.targets)
                ),
                None,
            )
        else:
            node = next(
                (
                    value
                    for n in ast.walk(tree)
                    if isinstance(n, ast.Dict)
                    for key, value in zip(n.keys, n.values, strict=True)
                    if isinstance(key, ast.Constant) and key.value == match["key"]
                ),
                None,
            )
        label = match["name"] or match["key"]
        assert node is not None, f"no value for {label!r} in the solution region"
        odd = [type(n).__name__ for n in ast.walk(node) if not isinstance(n, TYPED)]
        assert not odd, f"{label!r}: the solution value is not typed ({', '.join(odd)})"
        text = ast.get_source_segment(region, node)
        # Text typed over several lines stays one value inside brackets.
        values[label] = f"({text})" if "\n" in text else text
    return values


def fill(source: str, values: dict[str, str]) -> str:
    """Replace only the `...` of each prepared line with its value."""
    lines = []
    for line in source.split("\n"):
        match = PLACEHOLDER.match(line)
        if match:
            label = match["name"] or match["key"]
            line = line.replace("...", values[label], 1)
        lines.append(line)
    return "\n".join(lines)


@pytest.mark.parametrize("module", TRACK_B, ids=lambda m: m.id)
def test_every_graded_question_has_prepared_values_a_person_can_type(module):
    source = nbformat.read(module.exercise.source, as_version=4)
    answers = answer_cells(source)
    assert len(answers) == len(autograded_points(source))
    for grade_id, text in answers.items():
        assert placeholders(text), f"{grade_id}: no prepared `...` line to fill in"
        values = typed_values(text)
        assert set(values) == {m["name"] or m["key"] for m in placeholders(text)}, grade_id


@pytest.mark.parametrize("module", TRACK_B, ids=lambda m: m.id)
def test_every_question_heading_has_a_title(module):
    """`## Question N (k points) — title`, for autograded and written questions alike (#18)."""
    source = nbformat.read(module.exercise.source, as_version=4)
    headings = [
        cell.source.splitlines()[0]
        for cell in source.cells
        if _nbgrader(cell).get("grade_id", "").endswith("_question")
    ]
    assert headings
    for heading in headings:
        assert re.match(r"^## (Question \d+|Written answer( \d+)?) \(\d+ points?\) — \S", heading)
        label = heading_label(heading)
        assert label and " — " in label, heading


@pytest.mark.slow
def test_filling_only_the_prepared_values_scores_full_marks(workspace):
    """Real generate_assignment and autograde, all of Track B in one course."""
    expected: dict[str, float] = {}
    for module in TRACK_B:
        exercise = module.exercise
        source = nbformat.read(exercise.source, as_version=4)
        values = {gid: typed_values(text) for gid, text in answer_cells(source).items()}
        workspace.nbgrader("generate_assignment", exercise.id, "--force")
        released = nbformat.read(
            workspace.root / "release" / exercise.id / exercise.notebook, as_version=4
        )
        for cell in released.cells:
            grade_id = _nbgrader(cell).get("grade_id")
            if grade_id in values:
                assert "BEGIN SOLUTION" not in cell.source
                cell.source = fill(cell.source, values[grade_id])
        folder = workspace.root / "submitted" / "nocode" / exercise.id
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(released, folder / exercise.notebook)
        expected[exercise.id] = sum(autograded_points(source).values())

    for assignment in expected:
        workspace.nbgrader("autograde", assignment, "--create", "--force")

    with Gradebook(f"sqlite:///{workspace.gradebook}") as gradebook:
        scores = {}
        for assignment in expected:
            submission = gradebook.find_submission(assignment, "nocode")
            scores[assignment] = sum(
                grade.auto_score or 0
                for notebook in submission.notebooks
                for grade in notebook.grades
                if grade.auto_score is not None
            )
    assert scores == expected


def hidden_answers(notebook) -> set[str]:
    """The names and ids the hidden tests expect (e.g. "Oudomxay", "DT-03").

    Column names, and names the setup cells give (e.g. the ids of a draft table), are left out,
    and so is a name in the exercise's title: it is the subject every question is about
    (B1's "Lao PDR", benchmarked throughout), not an answer a hint could give away.
    """
    given = "\n".join(
        cell.source
        for cell in notebook.cells
        if re.fullmatch(r"setup|q\d+_setup", _nbgrader(cell).get("grade_id", ""))
    )
    given += "\n" + notebook.cells[0].source.splitlines()[0]
    found = set()
    for cell in notebook.cells:
        if "### BEGIN HIDDEN TESTS" not in cell.source:
            continue
        region = cell.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
        for node in ast.walk(ast.parse(region)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if len(text) >= 3 and not re.fullmatch(r"[a-z_<= \"]+", text) and text not in given:
                    found.add(text)
    return found


@pytest.mark.parametrize("module", TRACK_B, ids=lambda m: m.id)
def test_no_graded_answer_in_a_visible_rubric_hint_or_check_message(module):
    """Written-answer questions and rubrics, hints and check messages never name an answer."""
    from course.learn import Exercise
    from course.messages import t

    source = nbformat.read(module.exercise.source, as_version=4)
    answers = hidden_answers(source)
    visible = [
        cell.source
        for cell in source.cells
        if re.fullmatch(r"w\d+_question", _nbgrader(cell).get("grade_id", ""))
    ]
    for question in Exercise(module.id).questions.values():
        visible += [t(key) for key in question.hints]
        # A check's listed choices ({options}, {districts}) may show: they are choices.
        visible += [
            t(check.message, variable="x", value="y", **dict.fromkeys(check.values, ""))
            for check in question.checks
        ]
    for text in visible:
        shown = [answer for answer in answers if answer in text]
        assert not shown, f"{shown} in: {text[:120]}"


@pytest.mark.parametrize("module", TRACK_B, ids=lambda m: m.id)
def test_no_comparison_of_dollars_and_kip_without_a_stated_rate(module):
    """An exercise that uses both currencies says it has no rate and never mixes them."""
    text = "\n".join(
        cell.source for cell in nbformat.read(module.exercise.source, as_version=4).cells
    )
    if ("USD" in text or "US dollars" in text) and "LAK" in text:
        assert "exchange rate" in text


@pytest.mark.parametrize("module", TRACK_B, ids=lambda m: m.id)
def test_trainee_version_shows_no_solution_line(module):
    """`dgt grade release` refuses a leak: the look cells and given code repeat no solution line."""
    from autograder.execution.leaks import leaks, notebook_text, secret_lines
    from autograder.release import trainee_version

    source = nbformat.read(module.exercise.source, as_version=4)
    assert leaks(notebook_text(trainee_version(source)), secret_lines(source)) == []
