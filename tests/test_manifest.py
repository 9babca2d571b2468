"""The curriculum manifest: every module it lists exists in every layer, consistently."""

import importlib

import nbformat
import pytest

from conftest import MODULE_IDS
from course.errors import UserError
from course.manifest import curriculum, repo_root


@pytest.fixture(params=MODULE_IDS)
def module(request):
    return curriculum().module(request.param)


def test_folders_and_files_exist(module):
    """modules/<id>/ holds the lessons and exercises/<id>/ the source notebook."""
    assert module.folder.name == module.id
    for lesson in module.lesson_paths:
        assert lesson.is_file(), lesson
    assert module.exercise.source.is_file()
    assert module.exercise.source.parent.name == module.id


def test_question_definitions_match_the_exercise(module):
    """Each grade cell qN_tests has a Question qN with the same points, and vice versa."""
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


def test_grade_ids_follow_the_question_names(module):
    """Answer cells are qN_answer; grade cells are qN_tests and call the public check."""
    notebook = nbformat.read(module.exercise.source, as_version=4)
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
    listed = set(MODULE_IDS)
    for top in ("modules", "exercises"):
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
