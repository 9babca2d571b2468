"""Build the offline book (Jupyter Book 1.x) from the curriculum manifest.

`build()` stages the sources into book/_stage: the front matter and back matter in
book/ (the data-sources page gets its tables of provinces and synthetic datasets filled
in), one chapter page per module, the lessons, and the trainee version of each exercise,
and the trainers' pages in book/facilitation/ (the agenda page gets both course agendas
filled in by course.publish.agenda, then a session plan per module). It writes _toc.yml
from the manifest and runs Jupyter Book into book/_build/html.
Staged files keep their time stamps while their content is unchanged, and executed
outputs are cached (jupyter-cache), so an unchanged rebuild is quick. Sphinx writes
only the pages that changed, so the sidebar of the others would keep an old table of
contents: when the contents or a page title change, every page is read and written
again (`needs_every_page()`, Jupyter Book's --all; execution stays cached).

The book makes no request outside itself: MathJax and the widget manager are vendored
in book/_static/vendor, the Lao font is embedded (`make_lao_font()` regenerates it), and
the local Sphinx extension book/_ext/dgt_book.py makes search work for Lao words.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from course.errors import UserError
from course.manifest import Curriculum, Module, curriculum, repo_root
from course.messages import t

BACK_MATTER = ("glossary.md", "data-sources.md")
FACILITATION = "facilitation"  # book/facilitation/: session plans and the agendas, for trainers
TRAINERS_GUIDE = "trainers-guide.md"
PROVINCES_MARK = "<!-- dgt:provinces -->"
SYNTHETIC_MARK = "<!-- dgt:synthetic -->"
NOTO_DIR = Path("/usr/share/fonts/truetype/noto")
LAO_FONT_FILES = ("NotoSansLao-Regular.ttf", "NotoSansLao-Bold.ttf")
# The Lao block, the dotted circle shown under a lone mark, and zero-width (non-)joiners.
LAO_UNICODES = "U+0E80-0EFF,U+25CC,U+200B-200D"


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
    tmp = target.with_name(target.name + ".tmp")
    shutil.copy2(source, tmp)
    tmp.replace(target)


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
    trainers = trainers_chapters(course)
    if trainers:
        parts.append({"caption": t("book.trainers.caption"), "chapters": trainers})
    back = [{"file": Path(p).stem} for p in BACK_MATTER]
    back = [entry for entry in back if (book_dir() / f"{entry['file']}.md").is_file()]
    if back:
        parts.append({"caption": t("book.reference"), "chapters": back})
    return {"format": "jb-book", "root": "intro", "parts": parts}


def trainers_chapters(course: Curriculum) -> list[dict]:
    """The Trainers part: the agendas, the session plans (one per module), the grading guide."""
    folder = book_dir() / FACILITATION
    chapters = []
    if (folder / "agenda.md").is_file():
        chapters.append({"file": f"{FACILITATION}/agenda"})
    if (folder / "index.md").is_file():
        plans = [m.id for m in course.modules if (folder / f"{m.id}.md").is_file()]
        chapter: dict = {"file": f"{FACILITATION}/index"}
        if plans:
            chapter["sections"] = [{"file": f"{FACILITATION}/{plan}"} for plan in plans]
        chapters.append(chapter)
    if (book_dir() / TRAINERS_GUIDE).is_file():
        chapters.append({"file": Path(TRAINERS_GUIDE).stem})
    return chapters


def _stage_facilitation(stage: Path, course: Curriculum) -> None:
    """Copy the session plans; write the agenda page with both agendas filled in."""
    from course.publish import agenda

    folder = book_dir() / FACILITATION
    if not folder.is_dir():
        return
    for item in folder.glob("*.md"):
        if item.name == "agenda.md":
            text = agenda.agenda_page(item.read_text(encoding="utf-8"), course, folder)
            _write_if_changed(stage / FACILITATION / item.name, text)
        else:
            _copy_if_changed(item, stage / FACILITATION / item.name)


def glossary_terms(source: Path) -> list[str]:
    """The terms a MyST glossary page defines: unindented lines inside its glossary block."""
    if not source.is_file():
        return []
    terms, inside = [], False
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith("```{glossary}"):
            inside = True
        elif inside and line.startswith("```"):
            inside = False
        elif inside and line.strip() and not line[0].isspace() and not line.startswith(":"):
            terms.append(line.strip())
    return terms


def _table(header: list[str], rows: list[list[str]]) -> str:
    def cells(values: list[str]) -> str:
        return "| " + " | ".join(str(v).replace("|", "\\|") for v in values) + " |"

    lines = [cells(header), "| " + " | ".join("---" for _ in header) + " |"]
    lines += [cells(row) for row in rows]
    return "\n".join(lines)


def provinces_table() -> str:
    """The 18 provinces (real data) as a Markdown table, with their Lao names."""
    from course import data

    header = [t(f"book.sources.province.{k}") for k in ("code", "name_en", "name_lo", "region")]
    rows = [
        [row.code, row.name_en, row.name_lo, row.region] for row in data.provinces().itertuples()
    ]
    return _table(header, rows)


def synthetic_table() -> str:
    """Every synthetic dataset the generators make, each labelled SYNTHETIC."""
    from course import synthetic
    from course.data import SYNTHETIC_DIR

    generators = synthetic.generators()
    if not generators:
        return t("book.sources.no_synthetic")
    header = [t(f"book.sources.synthetic.{k}") for k in ("name", "file", "description")]
    rows = []
    for name, module in generators.items():
        path = SYNTHETIC_DIR / f"{name}.csv"
        shown = f"`{path.relative_to(repo_root())}`" if path.is_file() else "—"
        rows.append([f"**{name}**", shown, str(module.DESCRIPTION)])
    return _table(header, rows)


def data_sources_page(template: str) -> str:
    """Fill the data-sources page's tables in from the package's data."""
    return template.replace(PROVINCES_MARK, provinces_table()).replace(
        SYNTHETIC_MARK, synthetic_table()
    )


def _stage_front_and_back_matter(stage: Path) -> None:
    for item in book_dir().iterdir():
        if item.is_file() and item.suffix in (".md", ".bib") and not item.name.startswith("_"):
            if item.name == "data-sources.md":
                text = data_sources_page(item.read_text(encoding="utf-8"))
                _write_if_changed(stage / item.name, text)
            else:
                _copy_if_changed(item, stage / item.name)
    for folder in ("_static", "_ext"):
        for path in (book_dir() / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                _copy_if_changed(path, stage / path.relative_to(book_dir()))


def stage(course: Curriculum | None = None, sphinx_config: dict | None = None) -> Path:
    """Copy or write every source of the book into book/_stage; return that folder.

    `sphinx_config` adds Sphinx settings (the Lao edition's link, course.publish.i18n).
    """
    from autograder.release import write_trainee_version

    course = course or curriculum()
    stage = stage_dir()
    stage.mkdir(parents=True, exist_ok=True)
    _stage_front_and_back_matter(stage)
    _stage_facilitation(stage, course)
    config = yaml.safe_load((book_dir() / "_config.yml").read_text(encoding="utf-8"))
    config["execute"]["cache"] = str(book_dir() / "_build" / ".jupyter_cache")
    # A changed list of glossary terms changes the config, so Sphinx re-reads every page.
    config["sphinx"]["config"]["dgt_glossary_terms"] = glossary_terms(book_dir() / "glossary.md")
    config["sphinx"]["config"].update(sphinx_config or {})
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


def _page_title(path: Path) -> str:
    """The first level-one heading of a staged page ("" if it has none or cannot be read)."""
    try:
        if path.suffix == ".ipynb":
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
            lines = [
                line
                for cell in cells
                if cell.get("cell_type") == "markdown"
                for line in "".join(cell.get("source", "")).splitlines()
            ]
        else:
            lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError, AttributeError):
        return ""
    return next((line.strip() for line in lines if line.startswith("# ")), "")


def navigation_key(stage: Path) -> str:
    """A fingerprint of what every page's sidebar shows: the contents and the page titles."""
    digest = hashlib.sha256((stage / "_toc.yml").read_bytes())
    for path in sorted(stage.rglob("*")):
        if path.suffix in (".md", ".ipynb") and "_build" not in path.parts:
            relative = path.relative_to(stage).as_posix()
            digest.update(f"\0{relative}\0{_page_title(path)}".encode())
    return digest.hexdigest()


def _navigation_mark(builder: str, path_output: Path | None = None) -> Path:
    return (path_output or book_dir()) / "_build" / f".{builder}-navigation"


def needs_every_page(stage: Path, builder: str = "html", path_output: Path | None = None) -> bool:
    """True when the last build of `builder` showed other contents or titles (or none ran)."""
    mark = _navigation_mark(builder, path_output)
    return not mark.is_file() or mark.read_text(encoding="ascii") != navigation_key(stage)


def build(
    strict: bool = True,
    quiet: bool = False,
    builder: str = "html",
    *,
    staged: Path | None = None,
    path_output: Path | None = None,
    sphinx_config: dict | None = None,
) -> Path:
    """Build the HTML book; return the folder holding index.html.

    By default the English sources are staged into book/_stage and built into
    book/_build/html; another edition passes its own `staged` folder and `path_output`
    (course.publish.i18n.build_book).
    """
    staged = staged or stage(sphinx_config=sphinx_config)
    path_output = path_output or book_dir()
    every_page = needs_every_page(staged, builder, path_output)
    command = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(staged),
        "--path-output",
        str(path_output),
        "--builder",
        builder,
    ]
    if strict:
        command += ["--warningiserror", "--keep-going"]
    if quiet:
        command.append("--quiet")
    if every_page:
        command.append("--all")
    _navigation_mark(builder, path_output).unlink(missing_ok=True)
    result = subprocess.run(command, cwd=book_dir(), check=False)
    if result.returncode != 0:
        raise UserError(t("book.build_failed", code=result.returncode))
    _write_if_changed(_navigation_mark(builder, path_output), navigation_key(staged))
    html = path_output / "_build" / "html"
    print(t("book.built", path=html / "index.html"))
    return html


def make_lao_font(source_dir: Path = NOTO_DIR, target_dir: Path | None = None) -> list[Path]:
    """Subset Debian's Noto Sans Lao (regular, bold) to the Lao block as woff2, with its OFL.

    Needs the Debian package fonts-noto-core, and fontTools with brotli. Writes
    book/_static/fonts/NotoSansLao-*.subset.woff2 and OFL.txt; returns the paths written.
    """
    from fontTools import subset

    target_dir = target_dir or book_dir() / "_static" / "fonts"
    target_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in LAO_FONT_FILES:
        source = source_dir / name
        if not source.is_file():
            raise UserError(t("book.font_missing", path=source))
        target = target_dir / name.replace(".ttf", ".subset.woff2")
        tmp = target.with_name(target.name + ".tmp")
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = ["*"]  # keep mark positioning and ligatures
        options.hinting = False
        options.name_IDs = ["*"]  # keep the copyright and licence names
        font = subset.load_font(str(source), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=subset.parse_unicodes(LAO_UNICODES))
        subsetter.subset(font)
        subset.save_font(font, str(tmp), options)
        tmp.replace(target)
        written.append(target)
    licence = target_dir / "OFL.txt"
    _write_if_changed(licence, _ofl_text())
    written.append(licence)
    return written


def _ofl_text() -> str:
    """The SIL Open Font License 1.1 text, from Debian's copyright file for the Noto fonts."""
    copyright_file = Path("/usr/share/doc/fonts-noto-core/copyright")
    lines = copyright_file.read_text(encoding="utf-8").splitlines()
    start = next(
        i
        for i, line in enumerate(lines[:-1])
        if line == "License: OFL-1.1" and lines[i + 1].strip() == "PREAMBLE"
    )
    body = []
    for line in lines[start + 1 :]:
        if not line.startswith(" "):
            break
        body.append("" if line.strip() == "." else line[1:])
    head = [
        "Noto Sans Lao: Copyright 2017 Google Inc. All Rights Reserved.",
        "This Font Software is licensed under the SIL Open Font License, Version 1.1.",
        "",
    ]
    return "\n".join(head + body) + "\n"
