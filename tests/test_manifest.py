"""The curriculum manifest: every module it lists exists in every layer, consistently."""

import importlib

import nbformat
import pytest

from conftest import MODULE_IDS
from course.errors import UserError
from course.manifest import curriculum, repo_root

ASSESSMENT_IDS = [a.id for a in curriculum().assessments]


@pytest.fixture(params=MODULE_IDS)
def module(request):
    return curriculum().module(request.param)


@pytest.fixture(params=MODULE_IDS + ASSESSMENT_IDS)
def graded(request):
    """A module or an assessment: each has an nbgrader exercise and its checks."""
    return curriculum().assignment(request.param)


def test_folders_and_files_exist(module):
    """modules/<id>/ holds the lessons and exercises/<id>/ the source notebook."""
    assert module.folder.name == module.id
    for lesson in module.lesson_paths:
        assert lesson.is_file(), lesson
    assert module.exercise.source.is_file()
    assert module.exercise.source.parent.name == module.id


def test_question_definitions_match_the_exercise(graded):
    """Each grade cell qN_tests has a Question qN with the same points, and vice versa."""
    module = graded
    questions = importlib.import_module(module.checks_module).QUESTIONS
    notebook = nbformat.read(module.exercise.source, as_version=4)
    graded = {}
    manual = 0.0
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and cell.cell_type == "code":
            graded[meta["grade_id"].removesuffix("_tests")] = float(meta["points"])
        elif meta.get("grade"):
            manual += float(meta["points"])
    assert {q.name: float(q.points) for q in questions} == graded
    assert sum(graded.values()) + manual == module.exercise.points
    assert manual > 0, "every exercise has at least one written answer graded by a trainer"


def test_grade_ids_follow_the_question_names(graded):
    """Answer cells are qN_answer; grade cells are qN_tests and call the public check."""
    notebook = nbformat.read(graded.exercise.source, as_version=4)
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and cell.cell_type == "code":
            name = meta["grade_id"].removesuffix("_tests")
            assert meta["grade_id"] == f"{name}_tests" and meta["locked"]
            assert f'ex.grade("{name}"' in cell.source
            assert "BEGIN HIDDEN TESTS" in cell.source
        if meta.get("solution") and cell.cell_type == "code":
            assert meta["grade_id"].endswith("_answer")
            assert "ex.check(" in cell.source


def test_apps_exist_and_belong_to_modules():
    """Every app notebook exists and names a module of the manifest."""
    manifest = curriculum()
    for app in manifest.apps:
        assert app.path.is_file()
        assert app.id in manifest.module(app.module).apps


def test_every_module_folder_is_in_the_manifest():
    """No lesson or exercise folder is left out of the manifest."""
    for top, listed in (
        ("modules", set(MODULE_IDS)),
        ("exercises", {*MODULE_IDS, *ASSESSMENT_IDS}),
    ):
        on_disk = {
            p.name
            for p in (repo_root() / top).iterdir()
            if p.is_dir() and not p.name.startswith(".")
        }
        assert on_disk <= listed, (
            f"{top}/ has folders the manifest does not list: {on_disk - listed}"
        )


def test_unknown_module_is_a_clear_error():
    """A typo in a module id names the modules that exist."""
    with pytest.raises(UserError, match="B1-foundations"):
        curriculum().module("B1-fundations")


def test_an_assessment_is_found_as_an_assignment_not_as_a_module():
    """module() finds modules only; assignment() finds a module's or an assessment's exercise."""
    manifest = curriculum()
    for assessment_id in ASSESSMENT_IDS:
        assert manifest.assignment(assessment_id).exercise.id == assessment_id
        with pytest.raises(UserError, match=assessment_id):
            manifest.module(assessment_id)
    assert manifest.assignment("B1").id == "B1-foundations"


def test_assessments_are_assignments_but_not_modules():
    """The pre-test and post-test are graded assignments, with no lessons and no book chapter."""
    manifest = curriculum()
    pre, post = manifest.assessment("pre"), manifest.assessment("post")
    assert pre is not None and post is not None and pre.id != post.id
    ids = [e.id for e in manifest.exercises]
    assert pre.id in ids and post.id in ids
    assert pre.id not in [m.id for m in manifest.modules]
    for test in (pre, post):
        assert test.exercise.source.is_file()
        assert test.exercise.source.parent.name == test.id
        assert not (repo_root() / "modules" / test.id).exists()


def test_pre_and_post_tests_are_parallel_not_identical():
    """Same objectives, same points per item, but different questions and not all the same answers."""
    manifest = curriculum()
    books = [
        nbformat.read(manifest.assessment(role).exercise.source, as_version=4)
        for role in ("pre", "post")
    ]

    def items(notebook, suffix):
        return {
            c.metadata["nbgrader"]["grade_id"]: c
            for c in notebook.cells
            if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith(suffix)
        }

    pre_q, post_q = items(books[0], "_question"), items(books[1], "_question")
    assert pre_q.keys() == post_q.keys() and 10 <= len(pre_q) - 1 <= 15
    for key in pre_q:
        assert pre_q[key].source != post_q[key].source, key
    pre_t, post_t = items(books[0], "_tests"), items(books[1], "_tests")
    assert {k: c.metadata["nbgrader"]["points"] for k, c in pre_t.items()} == {
        k: c.metadata["nbgrader"]["points"] for k, c in post_t.items()
    }
    assert [c.source for c in pre_t.values()] != [c.source for c in post_t.values()]
    assert manifest.assessment("pre").exercise.points == manifest.assessment("post").exercise.points


def test_assessment_practice_checks_confirm_only_the_form():
    """Every letter passes the practice check, so trying letters reveals nothing; other values do not."""
    from course.learn import Exercise

    for role in ("pre", "post"):
        test = curriculum().assessment(role)
        ex = Exercise(test.id)
        for name in ex.questions:
            assert all(ex.check(name, letter).passed for letter in "ABCD"), name
            assert not ex.check(name, "E").passed and not ex.check(name, 2).passed
