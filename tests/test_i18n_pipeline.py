"""The translation pipeline: extract, update (merge), status and notebook translation, on real files."""

from __future__ import annotations

import json

import polib
import pytest

from conftest import dgt
from course import messages
from course.errors import UserError
from course.manifest import curriculum
from course.messages import t
from course.publish import authoring, i18n

MARKDOWN = """# Opening a table

A **table** has rows and columns.
It holds data.

```python
import pandas as pd
```

---

Each row is one province."""


def test_paragraphs_keep_code_blocks_whole_and_untranslated():
    blocks = i18n.paragraphs(MARKDOWN)
    texts = [text for text, _ in blocks]
    assert texts[0] == "# Opening a table"
    assert texts[1] == "A **table** has rows and columns.\nIt holds data."
    assert ("```python\nimport pandas as pd\n```", False) in blocks
    assert ("---", False) in blocks  # no letter: nothing to translate
    assert "\n\n".join(texts) == MARKDOWN


def test_translate_markdown_replaces_known_paragraphs_and_counts_the_rest():
    found = {"# Opening a table": ("# ການເປີດຕາຕະລາງ", True)}
    text, drafts, missing = i18n.translate_markdown(MARKDOWN, found)
    assert text.startswith("# ການເປີດຕາຕະລາງ\n\nA **table**")
    assert "import pandas as pd" in text
    assert (drafts, missing) == (1, 2)


def test_extract_writes_one_template_per_domain(tmp_path):
    out = dgt("i18n", "extract", "--output", str(tmp_path))
    assert str(tmp_path) in out
    names = {p.stem for p in tmp_path.glob("*.pot")}
    assert set(messages.english_domains()) <= names
    core = polib.pofile(str(tmp_path / "core.pot"))
    entry = next(e for e in core if e.msgctxt == "check.pass")
    assert entry.msgid == messages.catalogue("en")["check.pass"] and entry.msgstr == ""
    assert "python-brace-format" in entry.flags
    module = curriculum().modules[0]
    lessons = [e for e in polib.pofile(str(tmp_path / f"{module.id}.pot")) if e.msgctxt is None]
    assert lessons, "the lessons' markdown is extracted into the module's domain"
    first_lesson = f"modules/{module.id}/{module.lessons[0]}"
    assert any(path == first_lesson for e in lessons for path, _ in e.occurrences)
    assert not any(e.msgid.startswith("```") for e in lessons)


def make_pot(*entries: tuple[str | None, str]) -> polib.POFile:
    pot = polib.POFile(wrapwidth=0)
    for context, text in entries:
        pot.append(polib.POEntry(msgctxt=context, msgid=text, msgstr=""))
    return pot


def test_merge_keeps_translations_marks_changed_ones_fuzzy_and_keeps_gone_ones_obsolete():
    po = make_pot(("a", "Open the file."), ("b", "Save it."), ("gone", "Old text."))
    for entry, text in zip(po, ("ເປີດໄຟລ໌.", "ບັນທຶກມັນ.", "ເກົ່າ."), strict=True):
        entry.msgstr = text
    po.append(polib.POEntry(msgid="A table has rows and columns.", msgstr="ຕາຕະລາງມີແຖວ ແລະ ຖັນ."))
    pot = make_pot(
        ("a", "Open the file."),
        ("b", "Save the file."),
        ("new", "Close it."),
        (None, "A table has rows and many columns."),
    )
    merged = {(e.msgctxt, e.obsolete): e for e in i18n.merge(po, pot, "lo", "core")}
    assert merged[("a", False)].msgstr == "ເປີດໄຟລ໌." and not merged[("a", False)].fuzzy
    changed = merged[("b", False)]
    assert changed.msgid == "Save the file." and changed.msgstr == "ບັນທຶກມັນ."
    assert changed.fuzzy and changed.previous_msgid == "Save it."
    assert not messages.usable(changed, "Save the file."), "outdated: English is shown"
    assert merged[("new", False)].msgstr == ""
    assert merged[("gone", True)].msgstr == "ເກົ່າ."
    paragraph = merged[(None, False)]
    assert paragraph.msgstr == "ຕາຕະລາງມີແຖວ ແລະ ຖັນ." and paragraph.fuzzy


def test_update_and_status_on_a_locale_folder_of_our_own(tmp_path):
    out = dgt("i18n", "update", "--lang", "lo", "--locale", str(tmp_path))
    core = tmp_path / "lo" / "LC_MESSAGES" / "core.po"
    assert core.is_file() and str(core) in out
    po = polib.pofile(str(core))
    entry = next(e for e in po if e.msgctxt == "button.check")
    entry.msgstr = "ກວດຄຳຕອບ"
    other = next(e for e in po if e.msgctxt == "button.hint")
    other.msgstr, other.flags = "ສະແດງຄຳແນະນຳ", ["fuzzy"]
    po.save(str(core))
    before = core.read_text(encoding="utf-8")
    again = dgt("i18n", "update", "--lang", "lo", "--locale", str(tmp_path))
    assert str(core) not in again, "nothing changed, nothing written"
    assert core.read_text(encoding="utf-8") == before

    rows = {(r.domain, r.part): r for r in i18n.status("lo", tmp_path)}
    row = rows[("core", i18n.MESSAGES)]
    assert (row.total, row.translated, row.reviewed) == (
        len(messages.english_domains()["core"]),
        2,
        1,
    )
    assert row.missing == row.total - 2
    module = curriculum().modules[0].id
    assert rows[(module, i18n.LESSONS)].translated == 0
    table = dgt("i18n", "status", "--lang", "lo", "--locale", str(tmp_path))
    core_line = next(line for line in table.splitlines() if line.startswith("core "))
    assert "2 (" in core_line and "1 (" in core_line
    assert "Track A" in table and "interface" in table


def test_update_refuses_english_and_bad_codes(tmp_path):
    for bad in ("en", "../x", "LAO"):
        with pytest.raises(UserError):
            i18n.update(bad, tmp_path)


def test_notebooks_translate_changes_markdown_only_and_marks_drafts(tmp_path):
    module = curriculum().modules[0]
    lesson = module.lesson_paths[0]
    dgt("i18n", "update", "--lang", "lo", "--locale", str(tmp_path / "locale"))
    path = tmp_path / "locale" / "lo" / "LC_MESSAGES" / f"{module.id}.po"
    po = polib.pofile(str(path))
    first = next(e for e in po if e.msgctxt is None)
    first.msgstr, first.flags = "ບົດຮຽນ (ຮ່າງ)", ["fuzzy"]
    po.save(str(path))

    out = dgt(
        "notebooks", "translate", "--lang", "lo",
        "--locale", str(tmp_path / "locale"), "--output", str(tmp_path / "nb"),
    )  # fmt: skip
    assert "1 " in out
    made = tmp_path / "nb" / module.id / lesson.name
    source, result = (json.loads(p.read_text(encoding="utf-8")) for p in (lesson, made))
    notice, *cells = result["cells"]
    assert notice["metadata"] == {"dgt": "draft-notice"}
    assert ("id" in notice) == ("id" in source["cells"][0])
    assert "ຮ່າງຄຳແປ" in notice["source"] and "draft translation" in notice["source"]
    assert [c["cell_type"] for c in cells] == [c["cell_type"] for c in source["cells"]]
    for before, after in zip(source["cells"], cells, strict=True):
        if before["cell_type"] == "code":
            assert after["source"] == before["source"]
    assert any("ບົດຮຽນ (ຮ່າງ)" in c["source"] for c in cells)
    assert result["metadata"]["dgt_translation"]["drafts"] >= 1
    assert authoring.dumps(result) == made.read_text(encoding="utf-8")


def test_notebooks_translate_needs_po_files(tmp_path):
    with pytest.raises(UserError):
        i18n.translate_lessons("xx", tmp_path, tmp_path)


def test_exercise_text_is_extracted_from_the_trainee_version_only():
    """An exercise's paragraphs reach the templates; its model answers never do."""
    module = curriculum().modules[0]
    source = json.loads(module.exercise.source.read_text(encoding="utf-8"))
    answers = [
        "".join(cell["source"])
        for cell in source["cells"]
        if cell["cell_type"] == "markdown" and cell["metadata"].get("nbgrader", {}).get("solution")
    ]
    assert answers, "the first module's exercise has a written answer with a model answer"
    entries = i18n.exercise_entries(module.exercise.source)
    assert entries and all(i18n.part_of(e) == i18n.EXERCISES for e in entries)
    extracted = "\n".join(e.msgid for e in entries)
    for answer in answers:
        for text, _ in i18n.paragraphs(answer):
            assert text not in extracted


def test_every_non_module_domain_counts_as_the_interface_unless_listed_otherwise(monkeypatch):
    interface, other = t("i18n.group.interface"), t("i18n.group.other")
    assert i18n.group_of("worksheets") == interface
    assert i18n.group_of("classroom") == interface and "classroom" in i18n.INTERFACE
    assert i18n.group_of("signage") == interface  # a domain the catalogue may gain later
    assert i18n.group_of("A0-getting-started") == t("i18n.group.track", track="A")
    monkeypatch.setattr(i18n, "OTHER", ("signage",))
    assert i18n.group_of("signage") == other
    groups = {row.domain for row in i18n.totals(i18n.status("lo"))}
    assert interface in groups and other not in groups


PAGE = """# Data sources

```{admonition} About the data
Real figures carry their source.
```

<!-- dgt:provinces -->

```{glossary}
Budget
  Lao: ງົບປະມານ.
```"""


def test_a_book_page_keeps_directives_whole_and_leaves_markers_and_glossary_blocks_alone():
    blocks = i18n.paragraphs(PAGE, page=True)
    assert [ok for _, ok in blocks] == [True, True, False, False]
    assert blocks[1][0].startswith("```{admonition} About the data\n")
    assert [ok for _, ok in i18n.paragraphs(PAGE)] == [True, False, True, False]  # as before
    assert "\n\n".join(text for text, _ in blocks) == PAGE


def test_extract_puts_the_book_pages_into_a_domain_of_their_own(tmp_path):
    dgt("i18n", "extract", "--output", str(tmp_path))
    pot = polib.pofile(str(tmp_path / f"{i18n.PAGES_DOMAIN}.pot"))
    pages = {path for e in pot for path, _ in e.occurrences}
    assert {"book/intro.md", "book/glossary.md", "book/data-sources.md"} <= pages
    assert {"book/trainers-guide.md", "book/facilitation/index.md"} <= pages
    assert "book/facilitation/agenda.md" in pages and "book/facilitation/B8-capstone.md" in pages
    assert all(i18n.part_of(e) == i18n.PAGES and e.msgctxt is None for e in pot)
    intro = [e for e in pot if e.occurrences[0][0] == "book/intro.md"]
    assert intro[0].msgid == "# Digital Government Transformation Lab"
    assert any(e.msgid.startswith("```{admonition} About the data") for e in intro)
    assert any(e.msgid.startswith("| Toolkit part") for e in intro), "a table is one entry"
    assert not any("<!-- dgt:" in e.msgid or e.msgid.startswith("```{glossary}") for e in pot)
    assert not any(e.msgid.startswith(("```bash", "```python", "```text")) for e in pot)
    blocks = [int(line) for e in pot for _, line in e.occurrences]
    assert all(n >= 0 for n in blocks) and max(blocks) > 50  # the block number on its page


def test_status_counts_the_book_pages_as_their_own_group():
    rows = [r for r in i18n.status("lo") if r.domain == i18n.PAGES_DOMAIN]
    assert [r.part for r in rows] == [i18n.PAGES]
    assert rows[0].total > 300 and 0 < rows[0].translated < rows[0].total
    assert rows[0].reviewed == 0
    assert i18n.group_of(i18n.PAGES_DOMAIN) == t("i18n.group.pages")
    groups = {row.domain: row for row in i18n.totals(i18n.status("lo"))}
    assert groups[t("i18n.group.pages")].total == rows[0].total
    assert groups[t("i18n.group.interface")].total < sum(g.total for g in groups.values())


def test_a_book_page_in_lao_takes_its_paragraphs_and_the_generated_tables_in_lao(tmp_path):
    from pathlib import Path

    from course.publish import edition

    dgt("i18n", "update", "--lang", "lo", "--locale", str(tmp_path))
    path = tmp_path / "lo" / "LC_MESSAGES" / f"{i18n.PAGES_DOMAIN}.po"
    po = polib.pofile(str(path))
    title = next(e for e in po if e.msgid == "# Session plans: running the room")
    title.msgstr, title.flags = "# ແຜນການສອນ", ["fuzzy"]
    po.save(str(path))

    page, counts = edition.translated_page(Path("facilitation/index.md"), "lo", locale_dir=tmp_path)
    assert page.startswith("# ແຜນການສອນ\n")
    assert "ຮ່າງຄຳແປ · draft translation" in page and "These pages are for trainers." in page
    assert counts["drafts"] == 1 and counts["missing"] > 5
    english, counts = edition.translated_page(Path("glossary.md"), "lo", locale_dir=tmp_path)
    assert counts["drafts"] == 0 and "draft translation" not in english
    assert english.startswith("# Glossary")
    agenda, _ = edition.translated_page(Path("facilitation/agenda.md"), "lo", locale_dir=tmp_path)
    with messages.language_in_use("lo"):
        heading = t("book.agenda.full.title")
    assert f"## {heading}" in agenda and "<!-- dgt:agendas -->" not in agenda
    assert "Two agendas, made from the curriculum manifest" in agenda  # no draft of it here
