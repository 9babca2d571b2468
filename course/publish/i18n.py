"""The translation pipeline: gettext templates from the English sources, PO merging, coverage.

One domain per English catalogue file (`course/messages/en/<domain>.toml`). A module's
domain (e.g. A0-getting-started) also holds the markdown of its lessons and of its
exercise as trainees get it, one entry per paragraph (no msgctxt; the reference names
the notebook and cell). Catalogue entries
have msgctxt = the message key and msgid = the English text. The book's own pages (front
and back matter, the trainers' pages: `book_pages()`) have a domain of their own,
`book-pages`, one entry per paragraph (the reference names the page and block); text the
build generates into them (the agendas, the data tables) comes from the catalogue.

- `templates()` builds the POT of every domain in memory; `extract()` writes them out.
- `update()` merges them into each language's PO files: translations are kept, an entry
  whose English changed keeps its old translation marked fuzzy with the old English as
  `#| msgid` (shown as English until a translator re-drafts it), and entries the English
  no longer has become obsolete (`#~`), kept for reuse.
- `status()` counts, per domain and part, translated, reviewed (not fuzzy) and missing.
- `translate_notebook()` writes a lesson notebook with its markdown in another language
  (code cells unchanged), and a bilingual draft notice when it shows drafts.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polib

from autograder.workspace import write_atomically
from course import messages
from course.errors import UserError
from course.manifest import Curriculum, curriculum, repo_root
from course.messages import t

FENCE = re.compile(r"^\s*(```|~~~)")
LESSONS = "lessons"
EXERCISES = "exercises"
MESSAGES = "messages"
PAGES = "pages"
#: The domain of the book's own pages (intro, glossary, data sources, trainers' pages).
PAGES_DOMAIN = "book-pages"
# MyST directives whose body is prose: translated as one block, fences and options kept.
PROSE_DIRECTIVES = re.compile(
    r"^\s*(```|~~~)\{(admonition|note|tip|hint|important|warning|caution|attention|seealso)\}"
)
# The interface domains drafted today; `group_of` also counts any other non-module domain.
INTERFACE = (
    "core",
    "apps",
    "grade",
    "book",
    "stats",
    "assessments",
    "i18n",
    "worksheets",
    "classroom",
)
# Non-module domains that do not count as the interface (none today).
OTHER: tuple[str, ...] = ()
_WORD = re.compile(r"[^\W\d_]", re.UNICODE)


def template_dir() -> Path:
    """Where `dgt i18n extract` writes the POT files (generated, not committed)."""
    return repo_root() / "build" / "locale" / "templates"


def paragraphs(markdown: str, page: bool = False) -> list[tuple[str, bool]]:
    """Split markdown into blocks separated by blank lines: (text, translatable).

    A fenced code block is one block and is never translated; nor is a block without
    any letter (a rule, a formula alone). Joining the texts with blank lines rebuilds the
    cell (up to runs of blank lines). For a book page (`page=True`) a prose directive
    (an admonition, a note...) is one translatable block, and an HTML comment (a marker
    the build fills in) is never translated.
    """
    blocks: list[tuple[str, bool]] = []
    current: list[str] = []
    fenced = False

    def close() -> None:
        if current:
            text = "\n".join(current).strip("\n")
            is_code = FENCE.match(current[0]) is not None
            if page and PROSE_DIRECTIVES.match(current[0]):
                is_code = False
            elif page and current[0].lstrip().startswith("<!--"):
                is_code = True
            blocks.append((text, not is_code and bool(_WORD.search(text))))
            current.clear()

    for line in markdown.splitlines():
        if FENCE.match(line):
            if not fenced:
                close()
                current.append(line)
                fenced = True
            else:
                current.append(line)
                fenced = False
                close()
            continue
        if fenced or line.strip():
            current.append(line)
        else:
            close()
    close()
    return [(text, ok) for text, ok in blocks if text.strip()]


def _new_file(domain: str, language: str | None = None) -> polib.POFile:
    po = polib.POFile(wrapwidth=0)
    po.header = (
        f"Digital Government Transformation Lab, domain {domain}"
        + (f", language {language}" if language else "")
        + ".\nmsgctxt is the message key (none for a lesson paragraph); msgid is the English.\n"
        "An entry flagged fuzzy is a draft that no reviewer has checked yet."
    )
    po.metadata = {
        "Project-Id-Version": f"dgt-lab {domain}",
        "POT-Creation-Date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000"),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    if language:
        po.metadata["Language"] = language
        po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    return po


def _notebook_cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8")).get("cells", [])


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def lesson_entries(path: Path) -> list[polib.POEntry]:
    """One entry per translatable paragraph of a notebook's markdown cells."""
    relative = path.relative_to(repo_root()).as_posix() if path.is_absolute() else str(path)
    entries = []
    for index, cell in enumerate(_notebook_cells(path)):
        if cell.get("cell_type") != "markdown":
            continue
        for text, translatable in paragraphs(_source(cell)):
            if translatable:
                entries.append(polib.POEntry(msgid=text, occurrences=[(relative, str(index))]))
    return entries


def exercise_entries(source: Path) -> list[polib.POEntry]:
    """One entry per paragraph of an exercise's markdown as trainees get it.

    Read from the trainee version (solutions and hidden tests removed), never from the
    source, so no solution reaches a PO file; the trainee's own answer cells are skipped.
    """
    import nbformat

    from autograder.release import trainee_version

    notebook = trainee_version(nbformat.read(source, as_version=4))
    relative = source.relative_to(repo_root()).as_posix()
    entries = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown" or cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        for text, translatable in paragraphs(cell.source):
            if translatable:
                entries.append(polib.POEntry(msgid=text, occurrences=[(relative, str(index))]))
    return entries


def book_pages() -> list[Path]:
    """The book's own pages, relative to book/: front and back matter, trainers' pages."""
    from course.publish import book

    folder = book.book_dir()
    pages = [p for p in folder.glob("*.md") if not p.name.startswith("_")]
    pages += list((folder / book.FACILITATION).glob("*.md"))
    return sorted(p.relative_to(folder) for p in pages)


def page_entries(path: Path) -> list[polib.POEntry]:
    """One entry per translatable paragraph of a book page; the reference names page and block."""
    relative = path.relative_to(repo_root()).as_posix()
    blocks = paragraphs(path.read_text(encoding="utf-8"), page=True)
    return [
        polib.POEntry(msgid=text, occurrences=[(relative, str(index))])
        for index, (text, translatable) in enumerate(blocks)
        if translatable
    ]


def part_of(entry: polib.POEntry) -> str:
    """Which part an entry belongs to: messages, lessons, exercises or (book) pages."""
    if entry.msgctxt is not None:
        return MESSAGES
    paths = [path for path, _ in entry.occurrences]
    if paths and all(p.startswith("book/") for p in paths):
        return PAGES
    return EXERCISES if paths and all(p.startswith("exercises/") for p in paths) else LESSONS


def templates(course: Curriculum | None = None) -> dict[str, polib.POFile]:
    """The template (POT) of every domain: the English catalogue, the lessons, the exercises."""
    course = course or curriculum()
    pots: dict[str, polib.POFile] = {}
    for domain, flat in messages.english_domains().items():
        pot = pots.setdefault(domain, _new_file(domain))
        source = f"course/messages/en/{domain}.toml"
        for key, text in flat.items():
            flags = ["python-brace-format"] if messages.placeholders(text) else []
            pot.append(
                polib.POEntry(
                    msgctxt=key, msgid=text, occurrences=[(source, "")], flags=flags, msgstr=""
                )
            )
    for module in course.modules:
        pot = pots.setdefault(module.id, _new_file(module.id))
        sources = [lesson_entries(p) for p in module.lesson_paths if p.is_file()]
        if module.exercise.source.is_file():
            sources.append(exercise_entries(module.exercise.source))
        _add_paragraphs(pot, sources)
    from course.publish import book

    pages = [page_entries(book.book_dir() / page) for page in book_pages()]
    if pages:
        _add_paragraphs(pots.setdefault(PAGES_DOMAIN, _new_file(PAGES_DOMAIN)), pages)
    return pots


def _add_paragraphs(pot: polib.POFile, sources: list[list[polib.POEntry]]) -> None:
    """Add paragraph entries; a paragraph met again gets one more reference."""
    for entries in sources:
        for entry in entries:
            existing = pot.find(entry.msgid, msgctxt=False)
            if existing is not None and existing.msgctxt is None:
                existing.occurrences.extend(entry.occurrences)
            else:
                pot.append(entry)


def _save(po: polib.POFile, path: Path) -> None:
    write_atomically(path, po.__unicode__())


def extract(target: Path | None = None, course: Curriculum | None = None) -> list[Path]:
    """Write one POT file per domain into `target`; return the paths written."""
    target = target or template_dir()
    written = []
    for domain, pot in sorted(templates(course).items()):
        path = target / f"{domain}.pot"
        _save(pot, path)
        written.append(path)
    return written


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def merge(po: polib.POFile | None, pot: polib.POFile, language: str, domain: str) -> polib.POFile:
    """Merge a template into a translation (or start one); see the module docstring."""
    old = po or _new_file(domain, language)
    merged = _new_file(domain, language)
    merged.header = old.header or merged.header
    merged.metadata = {**merged.metadata, **old.metadata}
    by_key = {_key(e): e for e in old if not e.obsolete}
    by_context = {e.msgctxt: e for e in old if e.msgctxt and not e.obsolete}
    used: set[int] = set()
    free_paragraphs = [e for e in old if e.msgctxt is None and e.msgstr]
    for new in pot:
        entry = polib.POEntry(
            msgctxt=new.msgctxt,
            msgid=new.msgid,
            msgstr="",
            occurrences=list(new.occurrences),
            flags=list(new.flags),
        )
        same = by_key.get(_key(new))
        if same is not None:
            entry.msgstr = same.msgstr
            entry.tcomment = same.tcomment
            entry.previous_msgid = same.previous_msgid
            entry.flags += [f for f in same.flags if f not in entry.flags]
            used.add(id(same))
        else:
            before = by_context.get(new.msgctxt) if new.msgctxt else None
            if before is None and new.msgctxt is None:
                candidates = [e for e in free_paragraphs if id(e) not in used]
                close = difflib.get_close_matches(
                    new.msgid, [e.msgid for e in candidates], n=1, cutoff=0.8
                )
                before = next((e for e in candidates if close and e.msgid == close[0]), None)
            if before is not None and before.msgstr:
                entry.msgstr = before.msgstr
                entry.tcomment = before.tcomment
                entry.previous_msgid = before.msgid
                entry.flags.append("fuzzy")
                used.add(id(before))
        merged.append(entry)
    for gone in old:
        if id(gone) not in used and gone.msgstr and not gone.obsolete:
            gone.obsolete = True
            merged.append(gone)
        elif gone.obsolete:
            merged.append(gone)
    return merged


def update(
    language: str, locale_dir: Path | None = None, course: Curriculum | None = None
) -> list[Path]:
    """Merge the current templates into every PO file of `language`; return those written."""
    if not re.fullmatch(r"[a-z]{2,3}(_[A-Z]{2})?", language) or language == "en":
        raise UserError(t("i18n.bad_language", language=language))
    written = []
    for domain, pot in sorted(templates(course).items()):
        path = messages.po_path(language, domain, locale_dir)
        po = polib.pofile(str(path), wrapwidth=0) if path.is_file() else None
        merged = merge(po, pot, language, domain)
        if po is None or merged.__unicode__() != po.__unicode__():
            _save(merged, path)
            written.append(path)
    return written


@dataclass(frozen=True)
class Coverage:
    """How much of one domain's part (messages or lessons) is translated and reviewed."""

    domain: str
    part: str
    total: int
    translated: int
    reviewed: int

    @property
    def missing(self) -> int:
        return self.total - self.translated


def group_of(domain: str, course: Curriculum | None = None) -> str:
    """Which group a domain counts towards: a module's track, the book's pages, other if
    listed, else the interface."""
    if domain == PAGES_DOMAIN:
        return t("i18n.group.pages")
    course = course or curriculum()
    for module in course.modules:
        if module.id == domain:
            return t("i18n.group.track", track=module.track)
    if domain in OTHER:
        return t("i18n.group.other")
    return t("i18n.group.interface")


def status(
    language: str, locale_dir: Path | None = None, course: Curriculum | None = None
) -> list[Coverage]:
    """Coverage of `language` against the current English, per domain and part."""
    rows = []
    for domain, pot in sorted(templates(course).items()):
        path = messages.po_path(language, domain, locale_dir)
        po = polib.pofile(str(path), wrapwidth=0) if path.is_file() else []
        found = {_key(e): e for e in po if not e.obsolete}
        for part in (MESSAGES, LESSONS, EXERCISES, PAGES):
            wanted = [e for e in pot if part_of(e) == part]
            if not wanted:
                continue
            usable = [
                found[_key(e)]
                for e in wanted
                if _key(e) in found and messages.usable(found[_key(e)], e.msgid)
            ]
            reviewed = sum("fuzzy" not in e.flags for e in usable)
            rows.append(Coverage(domain, part, len(wanted), len(usable), reviewed))
    return rows


def totals(rows: list[Coverage], course: Curriculum | None = None) -> list[Coverage]:
    """One row per group (interface, Track A, Track B, book pages), summing its domains' rows."""
    groups: dict[str, list[int]] = {}
    for row in rows:
        sums = groups.setdefault(group_of(row.domain, course), [0, 0, 0])
        sums[0] += row.total
        sums[1] += row.translated
        sums[2] += row.reviewed
    return [Coverage(name, "", *sums) for name, sums in groups.items()]


def _width(text: str) -> int:
    """Columns a text takes in a terminal: Lao vowel and tone marks take none."""
    return sum(not unicodedata.combining(c) and unicodedata.category(c) != "Mn" for c in text)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "—"


def status_table(rows: list[Coverage], course: Curriculum | None = None) -> str:
    """The coverage as a plain-text table, with the totals per group below."""
    header = [t(f"i18n.status.{name}") for name in ("domain", "part", "total")]
    header += [t(f"i18n.status.{name}") for name in ("translated", "reviewed", "missing")]

    def line(row: Coverage, label: str, part: str) -> list[str]:
        return [
            label,
            part,
            str(row.total),
            f"{row.translated} ({_percent(row.translated, row.total)})",
            f"{row.reviewed} ({_percent(row.reviewed, row.total)})",
            str(row.missing),
        ]

    body = [line(r, r.domain, t(f"i18n.part.{r.part}")) for r in rows]
    sums = [line(r, r.domain, t("i18n.status.all")) for r in totals(rows, course)]
    rows_shown = [header, *body, *sums]
    widths = [max(_width(cells[i]) for cells in rows_shown) for i in range(len(header))]

    def render(cells: list[str]) -> str:
        padded = (c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True))
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([render(header), rule, *map(render, body), rule, *map(render, sums)])


def paragraph_translations(language: str, domain: str, locale_dir: Path | None = None):
    """{English paragraph: (translation, is draft)} of a module domain's lesson entries."""
    path = messages.po_path(language, domain, locale_dir)
    if not path.is_file():
        return {}
    return {
        e.msgid: (e.msgstr, "fuzzy" in e.flags)
        for e in polib.pofile(str(path), wrapwidth=0)
        if e.msgctxt is None and messages.usable(e, e.msgid)
    }


def translate_markdown(
    text: str, found: dict[str, tuple[str, bool]], page: bool = False
) -> tuple[str, int, int]:
    """Translate a markdown cell (or a book page) paragraph by paragraph; return (text,
    drafts, missing)."""
    out, drafts, missing = [], 0, 0
    for block, translatable in paragraphs(text, page=page):
        if translatable and block in found:
            out.append(found[block][0])
            drafts += found[block][1]
        else:
            out.append(block)
            missing += translatable
    return "\n\n".join(out), drafts, missing


def draft_notice(language: str) -> str:
    """The bilingual notice on top of a generated notebook that shows draft translations."""
    english = messages.catalogue("en")["i18n.notebook_draft"]
    local = messages.translation("i18n.notebook_draft", language)
    lines = [f"**{messages.draft_label(language)}**", *([local.text] if local else []), english]
    return "\n>\n".join(f"> {line}" for line in lines)


def translate_notebook(
    source: Path, target: Path, language: str, domain: str, locale_dir: Path | None = None
) -> dict[str, int]:
    """Write `source` with its markdown in `language` to `target`; return the counts."""
    from course.publish import authoring

    nb, counts = translated_notebook(source, language, domain, locale_dir)
    write_atomically(target, authoring.dumps(nb))
    return counts


def translated_notebook(
    source: Path, language: str, domain: str, locale_dir: Path | None = None
) -> tuple[dict, dict[str, int]]:
    """The notebook `source` with its markdown in `language`, and the counts."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    found = paragraph_translations(language, domain, locale_dir)
    counts = {"drafts": 0, "missing": 0}
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            text, drafts, missing = translate_markdown(_source(cell), found)
            cell["source"] = text
            counts["drafts"] += drafts
            counts["missing"] += missing
    if counts["drafts"]:
        notice = {"cell_type": "markdown", "metadata": {"dgt": "draft-notice"}}
        if any("id" in cell for cell in nb["cells"]):  # nbformat 4.5: every cell has an id
            notice["id"] = "dgt-draft-notice"
        notice["source"] = draft_notice(language)
        nb["cells"].insert(0, notice)
    nb.setdefault("metadata", {})["dgt_translation"] = {"language": language, **counts}
    return nb, counts


def notebooks_dir(language: str) -> Path:
    """Where `dgt notebooks translate` writes (generated, not committed)."""
    return repo_root() / "build" / language / "modules"


def translate_lessons(
    language: str,
    target: Path | None = None,
    locale_dir: Path | None = None,
    course: Curriculum | None = None,
) -> list[tuple[Path, dict[str, int]]]:
    """Translate every lesson notebook of the manifest; return (path written, counts)."""
    folder = (locale_dir or messages.LOCALE_DIR) / language / "LC_MESSAGES"
    if language == messages.DEFAULT_LANGUAGE or not folder.is_dir():
        raise UserError(t("i18n.no_language", language=language, path=folder))
    course = course or curriculum()
    target = target or notebooks_dir(language)
    done = []
    for module in course.modules:
        for lesson in module.lesson_paths:
            if lesson.is_file():
                out = target / module.id / lesson.name
                counts = translate_notebook(lesson, out, language, module.id, locale_dir)
                done.append((out, counts))
    return done
