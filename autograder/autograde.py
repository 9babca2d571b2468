"""`dgt grade autograde`: nbgrader's own autograde converter, fed by a parallel pool of sandboxed kernels.

nbgrader grades one notebook at a time and starts a fresh kernel for each. Here the
grading itself stays nbgrader's: its Autograde converter runs unchanged in this process
(sanitising, restoring the test cells, scoring, saving grades and comments, late
penalties, file permissions), and it is the only thing that writes the gradebook. Only
its Execute step is replaced by `PrefetchedExecute`, which hands over a notebook that the
execution pool (autograder/execution/pool.py) has already run, N at a time, in warm sandboxed
kernels. Every submission is first sanitised here exactly as the converter will do it,
so the pool can start long before the converter reaches that trainee.

A run stopped half-way (Ctrl+C, a crash, a power cut) is safe to run again: only
trainees whose graded record matches their collected files are skipped; everyone else
is graded again from scratch, and nbgrader overwrites every grade of their notebook.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import logging
import os
import shutil
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import nbformat
from nbformat import NotebookNode

from autograder import marks, results, statuses
from autograder.execution.pool import ExecutionPool, Job, Outcome, fingerprint
from autograder.execution.sandbox import Limits
from autograder.progress import Progress
from autograder.workspace import Workspace
from course.errors import UserError
from course.manifest import curriculum, repo_root
from course.messages import t

#: Modules every exercise kernel imports; the checks modules of all exercises are added.
PRELOAD = ["numpy", "pandas", "course", "course.data", "course.learn"]


def preload_modules() -> list[str]:
    """What the warm kernel factory imports once: the usual heavy modules and every checks module."""
    return [*PRELOAD, *(m.checks_module for m in curriculum().modules)]


#: Folders the system needs; a home or workspace set to one of them is not covered.
NEVER_HIDDEN = {
    "/",
    "/usr",
    "/lib",
    "/lib64",
    "/bin",
    "/sbin",
    "/etc",
    "/proc",
    "/sys",
    "/dev",
    "/opt",
}


def hidden_folders(workspace: Workspace) -> list[str]:
    """Folders a trainee's kernel must not see (extra ones in DGT_SANDBOX_HIDE, colon-separated)."""
    folders = [
        str(repo_root()),
        str(workspace.root),
        str(Path.home()),
        "/tmp",
        "/var/tmp",
        "/dev/shm",
    ]
    folders += [f for f in os.environ.get("DGT_SANDBOX_HIDE", "").split(":") if f]
    resolved = [str(Path(f).resolve()) for f in folders]
    return [f for f in dict.fromkeys(resolved) if f not in NEVER_HIDDEN]


class _CachedSchemaChecks:
    """Stands in for the `jsonschema` module inside nbgrader's cell-metadata checks.

    nbgrader validates every cell's metadata with `jsonschema.validate(metadata, schema)`,
    which checks the schema itself again on every call: about half of the grader's own
    CPU time per notebook. This does the same validation with the schema checked once.
    The outcome (pass, or the same ValidationError) is unchanged.
    """

    def __init__(self) -> None:
        import jsonschema

        self._module = jsonschema
        self._validators: dict[str, object] = {}

    def __getattr__(self, name: str):
        return getattr(self._module, name)

    def validate(self, instance, schema, *args, **kwargs):
        if args or kwargs:
            return self._module.validate(instance, schema, *args, **kwargs)
        key = json.dumps(schema, sort_keys=True)
        validator = self._validators.get(key)
        if validator is None:
            cls = self._module.validators.validator_for(schema)
            cls.check_schema(schema)
            validator = self._validators[key] = cls(schema)
        error = self._module.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error


def _faster_metadata_checks() -> None:
    from nbgrader.nbgraderformat import common

    if not isinstance(common.jsonschema, _CachedSchemaChecks):
        common.jsonschema = _CachedSchemaChecks()


class PrefetchedExecute:
    """Stands in for nbgrader's Execute: returns the notebook the pool executed for this trainee."""

    runner: ClassVar[Autograder | None] = None
    enabled = True

    def __init__(self, **_kwargs) -> None:
        pass

    def __call__(self, nb: NotebookNode, resources: dict):
        assert self.runner is not None
        return self.runner.executed(nb, resources), resources


@functools.cache
def _converter_class():
    """nbgrader's Autograde converter, with hooks for progress (imported late: nbgrader is heavy)."""
    from nbgrader.converters import Autograde

    class DgtAutograde(Autograde):
        on_start: Callable[[str], None] = staticmethod(lambda student: None)
        on_done: Callable[[str], None] = staticmethod(lambda student: None)

        def init_assignment(self, assignment_id: str, student_id: str) -> None:
            self.on_start(student_id)
            super().init_assignment(assignment_id, student_id)

        def set_permissions(self, assignment_id: str, student_id: str) -> None:
            super().set_permissions(assignment_id, student_id)
            self.on_done(student_id)

    return DgtAutograde


class Autograder:
    """One grading run of one assignment in one workspace."""

    def __init__(self, workspace: Workspace, assignment: str, workers: int) -> None:
        self.workspace = workspace
        self.assignment = assignment
        self.workers = workers
        self.config = workspace.config()
        self.db_url = workspace.db_url(self.config)
        self.store = statuses.StatusStore(workspace.root)
        self.futures: dict[tuple[str, str], tuple[str, object]] = {}
        self.found: dict[str, set[str]] = {}
        self.pool: ExecutionPool | None = None
        self.log = _logger(workspace)

    # --- choosing the trainees -------------------------------------------------------

    def submitted(self) -> list[str]:
        folder = self.workspace.root / "submitted"
        if not folder.is_dir():
            return []
        return sorted(d.name for d in folder.iterdir() if (d / self.assignment).is_dir())

    def to_grade(self, force: bool) -> list[str]:
        """Trainees not yet graded, graded from other files, or half-graded by a stopped run."""
        records = self.store.records(self.assignment)
        chosen = []
        for trainee in self.submitted():
            record = records.get(trainee, {})
            done = (self.workspace.root / "autograded" / trainee / self.assignment).is_dir()
            if force or not done or record.get("graded") != record.get("fingerprint"):
                chosen.append(trainee)
        return chosen

    # --- execution -------------------------------------------------------------------

    def _sanitise(self, trainee: str, path: Path) -> tuple[NotebookNode, dict]:
        """The notebook exactly as nbgrader's converter will hand it to Execute."""
        from nbconvert.exporters import NotebookExporter

        converter = _converter_class()(config=self.config)
        exporter = NotebookExporter(config=self.config, parent=converter)
        exporter._preprocessors = []
        for preprocessor in converter.sanitize_preprocessors:
            exporter.register_preprocessor(preprocessor, enabled=True)
        resources = self._resources(trainee, path.stem)
        nb = nbformat.read(path, as_version=4)
        nb, resources = exporter._preprocess(nb, resources)
        return nb, resources

    def _resources(self, trainee: str, notebook: str) -> dict:
        return {
            "unique_key": notebook,
            "output_files_dir": f"{notebook}_files",
            "nbgrader": {
                "student": trainee,
                "assignment": self.assignment,
                "notebook": notebook,
                "db_url": self.db_url,
            },
        }

    def _scratch_files(self, trainee: str) -> list[Path]:
        """The trainee's own files and the assignment's data files (never the source notebook)."""
        folder = self.workspace.root / "submitted" / trainee / self.assignment
        source = repo_root() / "exercises" / self.assignment
        files = [p for p in sorted(folder.iterdir()) if p.is_file() and p.name != "timestamp.txt"]
        names = {p.name for p in files}
        for extra in sorted(source.iterdir()) if source.is_dir() else []:
            if extra.is_file() and extra.suffix != ".ipynb" and extra.name not in names:
                files.append(extra)
        return files

    def prefetch(self, trainee: str) -> None:
        """Sanitise a trainee's notebooks now and queue them on the pool."""
        assert self.pool is not None
        folder = self.workspace.root / "submitted" / trainee / self.assignment
        for path in sorted(folder.glob("*.ipynb")):
            try:
                nb, resources = self._sanitise(trainee, path)
            except Exception as error:  # the converter will meet the same error and report it
                self.log.warning("cannot prepare %s %s: %s", trainee, path.name, error)
                continue
            job = Job(trainee, path.stem, nb, resources, self._scratch_files(trainee))
            self.futures[(trainee, path.stem)] = (job.fingerprint, self.pool.submit(job))

    def executed(self, nb: NotebookNode, resources: dict) -> NotebookNode:
        """Called by the converter in place of Execute: the pool's result for this notebook."""
        assert self.pool is not None
        info = resources["nbgrader"]
        key = (info["student"], info["notebook"])
        expected, future = self.futures.pop(key, (None, None))
        if future is None or expected != fingerprint(nb):
            self.log.warning("executing %s again: it changed after it was prepared", key)
            files = self._scratch_files(info["student"])
            future = self.pool.submit(Job(key[0], key[1], nb, dict(resources), files))
        outcome: Outcome = future.result()  # type: ignore[attr-defined]
        if outcome.nb is None:
            raise RuntimeError(outcome.error)
        self.found.setdefault(key[0], set()).update(outcome.problems)
        return outcome.nb

    # --- the run ---------------------------------------------------------------------

    def run(self, force: bool = False, mode: str | None = None) -> Counter:
        """Grade every trainee who needs it; return the count of trainees by status."""
        from nbgrader.coursedir import CourseDirectory

        _faster_metadata_checks()
        trainees = self.to_grade(force)
        counts: Counter = Counter()
        if not trainees:
            print(t("grade.autograde_nothing", assignment=self.assignment))
            return counts
        self.plan_marks(trainees)
        for trainee in trainees:
            shutil.rmtree(
                self.workspace.root / "autograded" / trainee / self.assignment, ignore_errors=True
            )
            self.store.clear_grading(self.assignment, trainee)
        self.pool = ExecutionPool(
            self.config,
            self.workers,
            Limits(),
            hidden_folders(self.workspace),
            preload_modules(),
            mode,
            log=self.log,
        )
        tampered = {s for s in trainees if self._tampered(s)}
        progress = Progress(len(trainees))
        state = {"current": None}

        def finish(trainee: str, ok: bool) -> None:
            if ok:
                self.restore_marks(trainee)
            codes = set(self.found.pop(trainee, set()))
            if trainee in tampered:
                codes.add("tampered")
            if not ok:
                codes.add("grading_failed")
            elif self._needs_manual(trainee):
                codes.add("needs_manual")
            self.store.set_grading(self.assignment, trainee, sorted(codes))
            code = statuses.primary(codes)
            counts[code] += 1
            progress.step(trainee, statuses.label(code), self._score_text(trainee) if ok else "")

        def on_start(trainee: str) -> None:
            if state["current"] is not None:
                finish(state["current"], False)
            state["current"] = trainee

        def on_done(trainee: str) -> None:
            state["current"] = None
            finish(trainee, True)

        PrefetchedExecute.runner = self
        try:
            for trainee in trainees:
                self.prefetch(trainee)
            print(
                t(
                    "grade.autograde_start",
                    count=len(trainees),
                    workers=self.workers,
                    mode=self.pool.mode,
                )
            )
            progress.started = time.monotonic()
            converter_class = _converter_class()
            converter_class.on_start = staticmethod(on_start)
            converter_class.on_done = staticmethod(on_done)
            coursedir = CourseDirectory(config=self.config)
            coursedir.assignment_id = self.assignment
            coursedir.student_id = "*"
            converter = converter_class(coursedir=coursedir, config=self.config, log=self.log)
            converter.autograde_preprocessors = [
                PrefetchedExecute if p.__name__ == "Execute" else p
                for p in converter.autograde_preprocessors
            ]
            with contextlib.suppress(Exception):  # per-trainee failures are reported as statuses
                converter.start()
            if state["current"] is not None:
                finish(state["current"], False)
        finally:
            PrefetchedExecute.runner = None
            self.pool.close()
        progress.finish(counts)
        return counts

    # --- manual marks (autograder/marks.py) ------------------------------------------

    def plan_marks(self, trainees: list[str]) -> None:
        """Decide, before anything is regraded, which manual marks stay; say which are reset."""
        self.answers = marks.AnswerStore(self.workspace.root)
        self.marks: dict[str, list[marks.Mark]] = {}
        self.prints: dict[str, dict[str, dict[str, str]]] = {}
        kept = 0
        for trainee in trainees:
            graded = self.workspace.root / "autograded" / trainee / self.assignment
            submitted = self.workspace.root / "submitted" / trainee / self.assignment
            before = self.answers.get(self.assignment, trainee)
            if before is None:
                before = marks.folder_prints(graded)
            self.prints[trainee] = marks.folder_prints(submitted)
            planned = marks.plan(
                self.db_url, self.assignment, trainee, before, self.prints[trainee]
            )
            self.marks[trainee] = planned
            kept += sum(m.keep for m in planned)
            for mark in planned:
                if not mark.keep:
                    points = "-" if mark.score is None else f"{mark.score:g}"
                    print(
                        t("grade.marks.reset", trainee=trainee, cell=mark.grade_id, points=points)
                    )
                    self.log.info(
                        "manual mark reset: %s %s %s score=%s extra=%s comment=%r",
                        trainee,
                        mark.notebook,
                        mark.grade_id,
                        mark.score,
                        mark.extra,
                        mark.comment,
                    )
        if kept:
            print(t("grade.marks.kept", count=kept))

    def restore_marks(self, trainee: str) -> None:
        """After a trainee is graded: kept marks back, reset ones away; remember the answers."""
        planned = self.marks.get(trainee, [])
        if planned:
            marks.apply(self.db_url, self.assignment, trainee, planned)
        self.answers.put(self.assignment, trainee, self.prints.get(trainee, {}))

    # --- reading back ----------------------------------------------------------------

    def _tampered(self, trainee: str) -> bool:
        """True when a locked or test cell of the released notebook is changed or missing."""
        from nbgrader import utils

        release = self.workspace.root / "release" / self.assignment
        folder = self.workspace.root / "submitted" / trainee / self.assignment
        for released_path in release.glob("*.ipynb"):
            try:
                released = nbformat.read(released_path, as_version=4)
                submitted = nbformat.read(folder / released_path.name, as_version=4)
            except Exception:
                continue
            have = {
                c.metadata["nbgrader"]["grade_id"]: c
                for c in submitted.cells
                if c.metadata.get("nbgrader", {}).get("grade_id")
            }
            for cell in released.cells:
                meta = cell.metadata.get("nbgrader", {})
                fixed = meta.get("locked") or (meta.get("grade") and not meta.get("solution"))
                if not fixed or not meta.get("grade_id"):
                    continue
                mine = have.get(meta["grade_id"])
                try:
                    if mine is None or utils.compute_checksum(mine) != utils.compute_checksum(cell):
                        return True
                except Exception:
                    return True
        return False

    def _needs_manual(self, trainee: str) -> bool:
        with results.gradebook(self.db_url) as gradebook:
            return bool(gradebook.find_submission(self.assignment, trainee).needs_manual_grade)

    def _score_text(self, trainee: str) -> str:
        with results.gradebook(self.db_url) as gradebook:
            submission = gradebook.find_submission(self.assignment, trainee)
            return f"{submission.score:g}/{submission.max_score:g}"


def _logger(workspace: Workspace) -> logging.Logger:
    """nbgrader's messages go to <workspace>/dgt/logs/autograde.log, not the screen."""
    folder = workspace.root / "dgt" / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger(f"dgt.autograde.{workspace.root}")
    for old in list(logger.handlers):
        logger.removeHandler(old)
        old.close()
    handler = logging.FileHandler(folder / "autograde.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


@contextlib.contextmanager
def exclusive(workspace: Workspace):
    """Allow one grading run per workspace at a time (the gradebook has one writer)."""
    folder = workspace.root / "dgt"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "grading.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(t("grade.busy", path=workspace.root)) from None
        yield


def autograde(workspace: Workspace, assignment: str, workers: int, force: bool = False) -> Counter:
    """Autograde `assignment` in `workspace` with `workers` kernels at a time."""
    from nbgrader.api import MissingEntry

    exercise_ids = [e.id for e in curriculum().exercises]
    if assignment not in exercise_ids:
        raise UserError(
            t("grade.unknown_assignment", name=assignment, known=", ".join(exercise_ids))
        )
    if workers < 1:
        raise UserError(t("grade.bad_workers", workers=workers))
    with exclusive(workspace), warnings.catch_warnings():
        # nbgrader's own lookups warn under SQLAlchemy 2 ("not in session"); they are harmless.
        warnings.simplefilter("ignore")
        runner = Autograder(workspace, assignment, workers)
        with results.gradebook(runner.db_url) as gradebook:
            try:
                gradebook.find_assignment(assignment)
            except MissingEntry:
                raise UserError(t("grade.not_released", assignment=assignment)) from None
        started = time.monotonic()
        counts = runner.run(force=force)
        runner.log.info("graded %s in %.1f s", dict(counts), time.monotonic() - started)
        return counts
