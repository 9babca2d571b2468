"""The trainee version of an exercise notebook: solutions and hidden tests removed by nbgrader."""

from __future__ import annotations

import os
import zipfile
from datetime import UTC
from pathlib import Path

import nbformat

from autograder.workspace import CONFIG_DIR


def nbgrader_config():
    """Load autograder/nbgrader_config.py as a traitlets Config (the one source of settings)."""
    from traitlets.config.loader import PyFileConfigLoader

    os.environ.setdefault("DGT_WORKSPACE", str(Path.home() / "dgt-workspace"))
    return PyFileConfigLoader("nbgrader_config.py", path=str(CONFIG_DIR)).load_config()


def trainee_version(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of a source notebook as trainees get it: no solutions, no hidden tests."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearOutput, ClearSolutions

    config = nbgrader_config()
    copy = nbformat.from_dict(notebook)
    resources: dict = {}
    for step in (ClearSolutions(config=config), ClearHiddenTests(config=config), ClearOutput()):
        copy, resources = step.preprocess(copy, resources)
    return copy


def write_trainee_version(source: Path, target: Path, metadata: dict | None = None) -> None:
    """Write the trainee version of `source` to `target` (atomically), adding `metadata`."""
    notebook = trainee_version(nbformat.read(source, as_version=4))
    notebook.metadata.update(metadata or {})
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    nbformat.write(notebook, tmp)
    tmp.replace(target)


# --- dgt grade release -------------------------------------------------------------


def parse_due(text: str | None):
    """A due date from "2026-12-01" or "2026-12-01 17:00" (local time), as naive UTC for nbgrader."""
    from datetime import datetime

    from course.errors import UserError
    from course.messages import t

    if not text:
        return None
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            local = datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
        if pattern == "%Y-%m-%d":
            local = local.replace(hour=23, minute=59)
        return local.astimezone().astimezone(UTC).replace(tzinfo=None)
    raise UserError(t("grade.release.bad_due", due=text))


def check_no_leaks(nb: nbformat.NotebookNode, secrets: list[str], where: str) -> None:
    """Refuse to hand out a notebook that shows a hidden test or a solution."""
    from autograder.execution.leaks import leaks, notebook_text
    from course.errors import UserError
    from course.messages import t

    found = leaks(notebook_text(nb), secrets)
    if found:
        raise UserError(t("grade.release.leak", where=where, line=found[0][:60]))


def handout_zip(folder: Path, assignment: str, target: Path) -> None:
    """Zip the released folder as `<assignment>/...` for USB sticks (atomic, fixed timestamps)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and ".ipynb_checkpoints" not in path.parts:
                info = zipfile.ZipInfo(f"{assignment}/{path.relative_to(folder).as_posix()}")
                info.date_time = (2020, 1, 1, 0, 0, 0)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, path.read_bytes())
    tmp.replace(target)


def _nbgrader(workspace, step: str, assignment: str) -> None:
    """Run nbgrader's generate_assignment or release_assignment in this process (its Python API)."""
    import warnings

    from nbgrader.apps import NbGraderAPI
    from nbgrader.apps.api import capture_log
    from nbgrader.coursedir import CourseDirectory

    from course.errors import UserError
    from course.messages import t

    config = workspace.config()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coursedir = CourseDirectory(config=config)
        coursedir.assignment_id = assignment
        api = NbGraderAPI(coursedir=coursedir, config=config)
        if step == "generate_assignment":
            result = api.generate_assignment(assignment, force=True, create=True)
        else:
            app = api.exchange.ReleaseAssignment(
                coursedir=coursedir, authenticator=api.authenticator, parent=api
            )
            app.force = True
            result = capture_log(app)
    if not result.get("success"):
        text = (result.get("error") or result.get("log") or "").strip().splitlines()
        raise UserError(t("grade.nbgrader_failed", command=step, detail=(text or ["?"])[-1]))


def release(workspace, assignment: str, due: str | None = None) -> dict[str, Path]:
    """Generate the trainee version, release it to the exchange, and write the hand-out zip.

    Returns the paths of the released folder and the zip. Checks first that no hidden
    test or solution line is in what trainees get.
    """
    from nbgrader.api import Gradebook

    from autograder.execution.leaks import secret_lines
    from course.errors import UserError
    from course.manifest import curriculum
    from course.messages import t

    exercises = {e.id: e for e in curriculum().exercises}
    if assignment not in exercises:
        known = ", ".join(exercises)
        raise UserError(t("grade.unknown_assignment", name=assignment, known=known))
    duedate = parse_due(due)
    exercise = exercises[assignment]
    secrets = secret_lines(nbformat.read(exercise.source, as_version=4))
    _nbgrader(workspace, "generate_assignment", assignment)
    folder = workspace.root / "release" / assignment
    for path in sorted(folder.glob("*.ipynb")):
        check_no_leaks(nbformat.read(path, as_version=4), secrets, path.name)
    if duedate is not None:
        with Gradebook(workspace.db_url()) as gradebook:
            gradebook.update_or_create_assignment(assignment, duedate=duedate)
    _nbgrader(workspace, "release_assignment", assignment)
    target = workspace.root / "handout" / f"{assignment}.zip"
    handout_zip(folder, assignment, target)
    with zipfile.ZipFile(target) as archive:
        for name in archive.namelist():
            if name.endswith(".ipynb"):
                nb = nbformat.reads(archive.read(name).decode("utf-8"), as_version=4)
                check_no_leaks(nb, secrets, name)
    return {"release": folder, "zip": target}
