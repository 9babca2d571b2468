"""The curriculum manifest: which modules, lessons, exercises and apps exist.

`curriculum.toml` beside this file is the one place that lists them. The book's table
of contents, the grading commands' assignment list and the parametrised tests are all
derived from it, so adding a module means adding its folders and one entry there. The pre-test and
post-test of knowledge are `[[assessment]]` entries: graded assignments without lessons.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from course.errors import UserError
from course.messages import t

MANIFEST = Path(__file__).parent / "curriculum.toml"
PACKAGE_DIR = Path(__file__).parent
APPS_DIR = PACKAGE_DIR / "serve" / "apps"


def repo_root() -> Path:
    """Return the curriculum's root folder (the one holding modules/ and exercises/).

    The package is installed in editable mode from the repository, so the root is the
    package's parent. Set DGT_ROOT to use the curriculum from another folder.
    """
    import os

    root = Path(os.environ.get("DGT_ROOT") or PACKAGE_DIR.parent)
    return root.resolve()


@dataclass(frozen=True)
class Exercise:
    """One nbgrader assignment: its id is the module id.

    Attributes:
        id: The assignment id, the same as its module's id ("B1-foundations").
        notebook: The notebook's file name inside exercises/<id>/.
        points: The autograded points of the whole exercise.
        minutes: The trainee's time for the exercise, which its introduction states.
    """

    id: str
    notebook: str
    points: float
    minutes: int | None = None

    @property
    def source(self) -> Path:
        """The nbgrader source notebook (with solutions and hidden tests)."""
        return repo_root() / "exercises" / self.id / self.notebook


@dataclass(frozen=True)
class App:
    """One Voila app: a notebook in course/serve/apps.

    Attributes:
        id: The app's id, used in its address and in its title key "app.<id>.title".
        notebook: The notebook's file name inside course/serve/apps/.
        module: The id of the module whose lessons use the app.
    """

    id: str
    notebook: str
    module: str

    @property
    def path(self) -> Path:
        return APPS_DIR / self.notebook

    @property
    def title_key(self) -> str:
        return f"app.{self.id}.title"


@dataclass(frozen=True)
class Module:
    """One module: lessons, one exercise, and optional apps.

    Attributes:
        id: The one identifier of the module ("B1-foundations"), used by its lesson
            folder, its exercise, its check definitions and its book chapter.
        track: Its track: "A" (ICT literacy lab) or "B" (digital government
            transformation), a part of the book.
        order: Its place within the track.
        minutes: The trainee's time for the lessons, in minutes.
        lessons: The lesson notebooks' file names inside modules/<id>/, in order.
        exercise: The module's nbgrader exercise.
        apps: The ids of the apps its lessons use.
    """

    id: str
    track: str
    order: int
    minutes: int
    lessons: tuple[str, ...]
    exercise: Exercise
    apps: tuple[str, ...] = ()

    @property
    def code(self) -> str:
        """The short code, e.g. "B1" for "B1-foundations"."""
        return self.id.split("-", 1)[0]

    @property
    def title_key(self) -> str:
        return f"module.{self.code}.title"

    @property
    def folder(self) -> Path:
        return repo_root() / "modules" / self.id

    @property
    def lesson_paths(self) -> list[Path]:
        return [self.folder / name for name in self.lessons]

    @property
    def checks_module(self) -> str:
        """The Python module holding this module's question definitions."""
        return "course.checks." + self.id.lower().replace("-", "_")


@dataclass(frozen=True)
class Assessment:
    """A course-level test that is not a module: the pre-test or the post-test of knowledge.

    It is an nbgrader assignment like a module's exercise (same folder, checks and grading
    conventions) but has no lessons and no place in the book. `role` is "pre" or "post";
    the two measure the same objectives with parallel items, and `dgt grade report` shows
    each trainee's gain from one to the other.
    """

    id: str
    role: str
    exercise: Exercise

    @property
    def code(self) -> str:
        """The short code, e.g. "PRE" for "PRE-knowledge-test"."""
        return self.id.split("-", 1)[0]

    @property
    def title_key(self) -> str:
        return f"assessment.{self.code}.title"

    @property
    def checks_module(self) -> str:
        return "course.checks." + self.id.lower().replace("-", "_")


ROLES = ("pre", "post")


@dataclass(frozen=True)
class Curriculum:
    """The whole manifest.

    Attributes:
        modules: Every module, sorted by track, then order.
        apps: Every app.
        tracks: The tracks, in the order the book shows them.
    """

    modules: tuple[Module, ...]
    apps: tuple[App, ...]
    tracks: tuple[str, ...]
    assessments: tuple[Assessment, ...] = ()

    def module(self, module_id: str) -> Module:
        """The module with this id or code."""
        for module in self.modules:
            if module.id == module_id or module.code == module_id:
                return module
        known = ", ".join(m.id for m in self.modules)
        raise UserError(t("error.unknown_module", name=module_id, known=known))

    def assignment(self, assignment_id: str) -> Module | Assessment:
        """The module or assessment whose exercise is the assignment `assignment_id` (or code).

        Code that needs only an assignment's id, title and exercise (feedback, the grading
        benchmark) treats both alike.
        """
        for unit in (*self.modules, *self.assessments):
            if unit.id == assignment_id or unit.code == assignment_id:
                return unit
        known = ", ".join(m.id for m in (*self.modules, *self.assessments))
        raise UserError(t("error.unknown_module", name=assignment_id, known=known))

    def assessment(self, role: str) -> Assessment | None:
        """The assessment with this role ("pre" or "post"), if the manifest has one."""
        return next((a for a in self.assessments if a.role == role), None)

    def app(self, app_id: str) -> App:
        for app in self.apps:
            if app.id == app_id:
                return app
        raise UserError(
            t("error.unknown_app", name=app_id, known=", ".join(a.id for a in self.apps))
        )

    @property
    def exercises(self) -> list[Exercise]:
        """Every nbgrader assignment: the modules' exercises, then the assessments."""
        return [m.exercise for m in self.modules] + [a.exercise for a in self.assessments]


def _parse(data: dict) -> Curriculum:
    modules = []
    for entry in data.get("module", []):
        exercise = entry["exercise"]
        modules.append(
            Module(
                id=entry["id"],
                track=entry["track"],
                order=int(entry["order"]),
                minutes=int(entry["minutes"]),
                lessons=tuple(entry["lessons"]),
                exercise=Exercise(
                    entry["id"],
                    exercise["notebook"],
                    float(exercise["points"]),
                    exercise.get("minutes"),
                ),
                apps=tuple(entry.get("apps", ())),
            )
        )
    modules.sort(key=lambda m: (m.track, m.order))
    apps = tuple(App(a["id"], a["notebook"], a["module"]) for a in data.get("app", []))
    assessments = tuple(
        Assessment(
            a["id"],
            a["role"],
            Exercise(
                a["id"],
                a["exercise"]["notebook"],
                float(a["exercise"]["points"]),
                a["exercise"].get("minutes"),
            ),
        )
        for a in data.get("assessment", [])
    )
    roles = [a.role for a in assessments]
    if not set(roles) <= set(ROLES) or len(set(roles)) != len(roles):
        raise ValueError(f"curriculum.toml: each assessment role is one of {ROLES}, once")
    ids = [m.id for m in modules]
    if len(set(ids + [a.id for a in assessments])) != len(ids) + len(assessments):
        raise ValueError("curriculum.toml lists a module or assessment id twice")
    for app in apps:
        if app.module not in ids:
            raise ValueError(f"app {app.id!r} names unknown module {app.module!r}")
    return Curriculum(tuple(modules), apps, tuple(data.get("tracks", ["A", "B"])), assessments)


@cache
def curriculum() -> Curriculum:
    """Return the curriculum manifest, parsed and checked."""
    with MANIFEST.open("rb") as handle:
        return _parse(tomllib.load(handle))
