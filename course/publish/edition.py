"""The book in another language (`dgt book build --lang lo`), from the same PO files.

The lessons and exercises of the Lao edition are the English ones with their markdown
translated paragraph by paragraph from `course/locale/lo/LC_MESSAGES/<module>.po`
(course.publish.i18n), the same entries that `dgt notebooks translate` uses, so the
notebooks and the book never disagree. Code cells stay as they are, so jupyter-cache
serves the outputs the English build computed. Chapter pages and the table of contents
come from the message catalogue in Lao. The book's own pages (intro, glossary, data
sources, the trainers' guide and pages) are translated paragraph by paragraph from the
`book-pages` domain (`translated_page()`); the tables the build generates into them (the
agendas, the provinces and datasets) are made again with the catalogue's Lao labels.
A paragraph without a translation stays in English.

Both editions are built: English into book/_build/html, Lao staged into
book/_build/<lang>/_stage and built into book/_build/<lang>/_build/html. Every page links to the same page of the other edition
(book/_ext/dgt_book.py, `dgt_other_edition`). A page that shows draft (fuzzy) strings
opens with a notice in Lao and in English. Sphinx is told `language: lo` (the pages'
lang attribute) and searches with the book's English-and-Lao splitter, which indexes Lao
text by character clusters, since Lao has no spaces between words.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from course import messages
from course.errors import UserError
from course.manifest import Curriculum, curriculum
from course.messages import t
from course.publish import authoring, book, i18n

#: The Sphinx search language whose splitter (book/_ext/dgt_book.py) indexes Lao too.
SEARCH_LANGUAGE = "en"


def path_output(language: str) -> Path:
    """Where jupyter-book writes an edition: the English one in book/, others in book/_build/<lang>."""
    if language == messages.DEFAULT_LANGUAGE:
        return book.book_dir()
    return book.book_dir() / "_build" / language


def html_dir(language: str) -> Path:
    return path_output(language) / "_build" / "html"


def stage_dir(language: str) -> Path:
    """The staged sources of an edition (inside book/_build, so never committed)."""
    return path_output(language) / "_stage"


def link_to(language: str, other: str) -> dict[str, str]:
    """The `dgt_other_edition` setting of edition `language`: where `other` is, and its label."""
    root = os.path.relpath(html_dir(other), html_dir(language))
    with messages.language_in_use(other):
        label = t("i18n.edition")
    return {"root": Path(root).as_posix(), "label": label, "lang": other}


def _notice(language: str) -> str:
    local = messages.translation("i18n.notebook_draft", language)
    english = messages.catalogue(messages.DEFAULT_LANGUAGE)["i18n.notebook_draft"]
    lines = [f"**{messages.draft_label(language)}**", *([local.text] if local else []), english]
    return "\n>\n".join(f"> {line}" for line in lines)


def chapter_page(module, language: str) -> str:
    """A module's chapter page in `language`, with the draft notice when it shows drafts."""
    with messages.language_in_use(language):
        page = book.chapter_page(module)
        draft = messages.is_draft(module.title_key) or messages.is_draft("book.chapter_intro")
    if not draft:
        return page
    title, _, rest = page.partition("\n")
    return f"{title}\n\n{_notice(language)}\n{rest}"


def _with_notice(page: str, language: str) -> str:
    """The page with the draft notice after its title (or on top if it has none)."""
    lines = page.split("\n")
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
    notice = ["", _notice(language), ""] if at else [_notice(language), ""]
    return "\n".join([*lines[:at], *notice, *lines[at:]])


def translated_page(
    relative: Path,
    language: str,
    course: Curriculum | None = None,
    locale_dir: Path | None = None,
) -> tuple[str, dict[str, int]]:
    """A book page (path relative to book/) in `language`, with the generated tables
    filled in from the catalogue, and the counts of drafts and missing paragraphs."""
    from course.publish import agenda

    source = book.book_dir() / relative
    found = i18n.paragraph_translations(language, i18n.PAGES_DOMAIN, locale_dir)
    text, drafts, missing = i18n.translate_markdown(
        source.read_text(encoding="utf-8"), found, page=True
    )
    with messages.language_in_use(language):
        if relative.as_posix() == "data-sources.md":
            text = book.data_sources_page(text)
            drafts += messages.any_draft("book.sources.")
        elif relative.as_posix() == f"{book.FACILITATION}/agenda.md":
            text = agenda.agenda_page(text, course or curriculum(), source.parent)
            drafts += messages.any_draft("book.agenda.")
    if not text.endswith("\n"):
        text += "\n"
    return (_with_notice(text, language) if drafts else text), {
        "drafts": drafts,
        "missing": missing,
    }


def stage(language: str, english: Path, course: Curriculum | None = None) -> Path:
    """Stage edition `language` from the staged English book `english`; return its folder."""
    course = course or curriculum()
    target = stage_dir(language)
    translated: dict[Path, str] = {}
    for module in course.modules:
        notebooks = [english / "modules" / module.id / name for name in module.lessons]
        notebooks.append(english / "exercises" / module.id / Path(module.exercise.notebook).name)
        for source in notebooks:
            nb, _counts = i18n.translated_notebook(source, language, module.id)
            translated[source.relative_to(english)] = authoring.dumps(nb)
        translated[Path("chapters") / f"{module.id}.md"] = chapter_page(module, language)
    for page in i18n.book_pages():
        translated[page], _counts = translated_page(page, language, course)
    config = yaml.safe_load((english / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = f"{config['title']} — {messages.translation('i18n.edition', language).text}"
    settings = config["sphinx"]["config"]
    settings.update(
        language=language,
        html_search_language=SEARCH_LANGUAGE,
        dgt_other_edition=link_to(language, messages.DEFAULT_LANGUAGE),
    )
    translated[Path("_config.yml")] = yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    with messages.language_in_use(language):
        toc = book.toc(course)
    translated[Path("_toc.yml")] = yaml.safe_dump(toc, sort_keys=False, allow_unicode=True)
    for path in sorted(english.rglob("*")):
        relative = path.relative_to(english)
        if path.is_file() and "_build" not in relative.parts and relative not in translated:
            book._copy_if_changed(path, target / relative)
    for relative, text in translated.items():
        book._write_if_changed(target / relative, text)
    return target


def build_book(language: str, strict: bool = True, quiet: bool = False) -> Path:
    """Build the English book and the edition in `language`, linked page by page."""
    if language == messages.DEFAULT_LANGUAGE:
        return book.build(strict=strict, quiet=quiet)
    if (
        language not in messages.languages()
        or messages.translation("i18n.edition", language) is None
    ):
        raise UserError(t("i18n.no_language", language=language, path=messages.LOCALE_DIR))
    course = curriculum()
    english = book.stage(course, sphinx_config={"dgt_other_edition": link_to("en", language)})
    book.build(strict=strict, quiet=quiet, staged=english)
    staged = stage(language, english, course)
    return book.build(strict=strict, quiet=quiet, staged=staged, path_output=path_output(language))
