"""Build the offline book (Jupyter Book 1.x) from the curriculum manifest.

`build()` stages the sources into book/_stage: the front matter in book/, one chapter
page per module, the lessons, and the trainee version of each exercise. It writes
_toc.yml from the manifest and runs Jupyter Book into book/_build/html. Staged files
keep their time stamps while their content is unchanged, and executed outputs are
cached (jupyter-cache), so an unchanged rebuild is quick.
"""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from course.errors import UserError
from course.manifest import Curriculum, Module, curriculum, repo_root
from course.messages import t


def book_dir() -> Path:
    return repo_root() / "book"


def stage_dir() -> Path:
    return book_dir() / "_stage"


def output_dir() -> Path:
    return book_dir() / "_build" / "html"


def _write_if_changed(path: Path, text: str) -> None:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _copy_if_changed(source: Path, target: Path) -> None:
    if target.is_file() and filecmp.cmp(source, target, shallow=False):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def chapter_page(module: Module) -> str:
    """The chapter page of one module: title, time, and what it holds."""
    lines = [
        f"# {t(module.title_key)}",
        "",
        t("book.chapter_intro", minutes=module.minutes, lessons=len(module.lessons)),
        "",
    ]
    return "\n".join(lines) + "\n"


def toc(course: Curriculum) -> dict:
    """The Jupyter Book table of contents, derived from the manifest."""
    parts = []
    for track in course.tracks:
        chapters = []
        for module in (m for m in course.modules if m.track == track):
            sections = [{"file": f"modules/{module.id}/{Path(n).stem}"} for n in module.lessons]
            sections.append(
                {"file": f"exercises/{module.id}/{Path(module.exercise.notebook).stem}"}
            )
            chapters.append({"file": f"chapters/{module.id}", "sections": sections})
        if chapters:
            parts.append({"caption": t(f"book.track.{track}"), "chapters": chapters})
    back = [{"file": Path(p).stem} for p in ("glossary.md", "trainers-guide.md", "data-sources.md")]
    back = [entry for entry in back if (book_dir() / f"{entry['file']}.md").is_file()]
    if back:
        parts.append({"caption": t("book.reference"), "chapters": back})
    return {"format": "jb-book", "root": "intro", "parts": parts}


def stage(course: Curriculum | None = None) -> Path:
    """Copy or write every source of the book into book/_stage; return that folder."""
    from autograder.release import write_trainee_version

    course = course or curriculum()
    stage = stage_dir()
    stage.mkdir(parents=True, exist_ok=True)
    for item in book_dir().iterdir():
        if item.name.startswith("_") and item.name not in ("_config.yml", "_static"):
            continue
        if item.is_file() and item.suffix in (".md", ".yml", ".bib"):
            _copy_if_changed(item, stage / item.name)
        elif item.is_dir() and item.name == "_static":
            for path in item.rglob("*"):
                if path.is_file():
                    _copy_if_changed(path, stage / path.relative_to(book_dir()))
    config = yaml.safe_load((book_dir() / "_config.yml").read_text(encoding="utf-8"))
    config["execute"]["cache"] = str(book_dir() / "_build" / ".jupyter_cache")
    _write_if_changed(
        stage / "_config.yml", yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    )
    _write_if_changed(
        stage / "_toc.yml", yaml.safe_dump(toc(course), sort_keys=False, allow_unicode=True)
    )
    for module in course.modules:
        _write_if_changed(stage / "chapters" / f"{module.id}.md", chapter_page(module))
        for lesson in module.lesson_paths:
            if not lesson.is_file():
                raise UserError(t("book.missing_file", path=lesson))
            _copy_if_changed(lesson, stage / "modules" / module.id / lesson.name)
        source = module.exercise.source
        if not source.is_file():
            raise UserError(t("book.missing_file", path=source))
        target = stage / "exercises" / module.id / source.name
        if not target.is_file() or target.stat().st_mtime < source.stat().st_mtime:
            # The book shows the trainee version as it is handed out, without running it.
            write_trainee_version(source, target, {"mystnb": {"execution_mode": "off"}})
    return stage


def build(strict: bool = True, quiet: bool = False) -> Path:
    """Build the HTML book; return the folder holding index.html."""
    stage()
    command = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(stage_dir()),
        "--path-output",
        str(book_dir()),
        "--builder",
        "html",
    ]
    if strict:
        command += ["--warningiserror", "--keep-going"]
    if quiet:
        command.append("--quiet")
    result = subprocess.run(command, cwd=book_dir(), check=False)
    if result.returncode != 0:
        raise UserError(t("book.build_failed", code=result.returncode))
    print(t("book.built", path=output_dir() / "index.html"))
    return output_dir()
