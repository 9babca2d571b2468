"""The Lao edition of the book: built from the PO files, draft notices, links both ways, Lao search."""

from __future__ import annotations

import json
import os
import re
import sys

import pytest

from course import messages
from course.manifest import curriculum
from course.publish import book, edition

LAO = re.compile(r"[\u0e80-\u0eff]")


@pytest.fixture(scope="module")
def lao_book():
    return edition.build_book("lo", strict=True, quiet=True)


def test_chapter_page_in_lao_carries_the_draft_notice():
    module = curriculum().modules[0]
    page = edition.chapter_page(module, "lo")
    with messages.language_in_use("lo"):
        title = messages.t(module.title_key)
    assert page.startswith(f"# {title}\n") and LAO.search(title)
    assert "ຮ່າງຄຳແປ · draft translation" in page and "This page is a draft translation" in page


def test_each_edition_links_to_the_other_by_a_relative_path():
    to_lao, to_english = edition.link_to("en", "lo"), edition.link_to("lo", "en")
    assert to_lao == {"root": "../lo/_build/html", "label": "ພາສາລາວ", "lang": "lo"}
    assert to_english == {"root": "../../../html", "label": "English", "lang": "en"}
    english_html = edition.html_dir("en")
    assert (edition.html_dir("lo") / to_english["root"]).resolve() == english_html.resolve()


@pytest.mark.slow
def test_lao_lesson_page_is_lao_marked_as_draft_and_linked_to_english(lao_book):
    module = curriculum().modules[0]
    name = module.lessons[0].replace(".ipynb", ".html")
    page = (lao_book / "modules" / module.id / name).read_text(encoding="utf-8")
    assert 'lang="lo"' in page
    assert "ໂນດບຸກທຳອິດຂອງທ່ານ" in page  # the lesson's Lao title
    assert "ຮ່າງຄຳແປ · draft translation" in page and "This page is a draft translation" in page
    link = re.search(r'class="dgt-edition"><a href="([^"]+)"', page)
    assert link, "no link to the English page"
    target = (lao_book / "modules" / module.id / link.group(1)).resolve()
    assert target == (edition.html_dir("en") / "modules" / module.id / name).resolve()
    assert target.is_file()
    english = target.read_text(encoding="utf-8")
    back = re.search(r'class="dgt-edition"><a href="([^"]+)"', english)
    assert (
        back
        and (target.parent / back.group(1)).resolve()
        == (lao_book / "modules" / module.id / name).resolve()
    )


def search_index(html) -> dict:
    text = (html / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def pages_with(index: dict, term: str) -> set[str]:
    found = set()
    for table in ("terms", "titleterms"):
        docs = index[table].get(term, [])
        found |= {index["docnames"][i] for i in ([docs] if isinstance(docs, int) else docs)}
    return found


@pytest.mark.slow
def test_lao_search_finds_a_lesson_by_a_lao_word(lao_book):
    """Lao has no spaces: the index holds clusters and pairs, and a query must match all its pairs."""
    sys.path.insert(0, str(book.book_dir() / "_ext"))
    import dgt_book

    index = search_index(lao_book)
    module = curriculum().modules[0]
    lesson = f"modules/{module.id}/{module.lessons[0].removesuffix('.ipynb')}"
    word = "ໂຕທ່ອງໄຟລ໌"  # "file browser", in the Lao draft of lesson A0.1
    pairs = dgt_book.lao_terms(word, query=True)
    assert len(pairs) > 1
    found = set.intersection(*(pages_with(index, pair) for pair in pairs))
    assert lesson in found
    assert not pages_with(search_index(edition.html_dir("en")), pairs[0]) & {lesson}


@pytest.mark.slow
def test_the_lao_toc_and_chapters_are_in_lao(lao_book):
    index = (lao_book / "intro.html").read_text(encoding="utf-8")
    with messages.language_in_use("lo"):
        caption = messages.t("book.track.A")
        agenda_title = messages.t("book.agenda.full.title")
    assert caption in index
    # The front matter: the intro's own text in Lao (book-pages.po), marked as a draft.
    assert "ຫຼັກສູດນີ້ປະຕິບັດຕາມ" in index and "ພາກສ່ວນຂອງຊຸດເຄື່ອງມື" in index
    assert "ຮ່າງຄຳແປ · draft translation" in index and "This page is a draft translation" in index
    assert "This book is the offline edition" not in index and "Toolkit part" not in index
    # A paragraph with no Lao yet stays in English, on a page that is otherwise Lao.
    plans = (lao_book / "facilitation" / "index.html").read_text(encoding="utf-8")
    assert "ແຜນການສອນ: ການດຳເນີນຫ້ອງຮຽນ" in plans and "ຮ່າງຄຳແປ · draft translation" in plans
    assert "Check the power, the trainer" in plans
    agenda = (lao_book / "facilitation" / "agenda.html").read_text(encoding="utf-8")
    assert agenda_title in agenda and "ກຳນົດການຂອງຫຼັກສູດ" in agenda
    assert "Two agendas, made from" not in agenda
    sources = (lao_book / "data-sources.html").read_text(encoding="utf-8")
    assert "ແຫຼ່ງຂໍ້ມູນ" in sources and "ນະຄອນຫຼວງວຽງຈັນ" in sources
    for module in curriculum().modules:
        chapter = (lao_book / "chapters" / f"{module.id}.html").read_text(encoding="utf-8")
        with messages.language_in_use("lo"):
            assert messages.t(module.title_key) in chapter


# Wait for the fonts, then say whether the page shows Lao and in which font it is drawn.
LAO_FONT = """
async () => {
  await document.fonts.ready;
  const article = document.querySelector("article") || document.body;
  return {
    lang: document.documentElement.lang,
    hasLao: /[\\u0E80-\\u0EFF]/.test(article.innerText),
    laoFont: [...document.fonts].some(
      (face) => face.family.replace(/"/g, "") === "DGT Noto Sans Lao" && face.status === "loaded"),
  };
}
"""


@pytest.mark.slow
@pytest.mark.browser
def test_a_sample_of_the_lao_edition_in_a_browser_offline(lao_book, browser):
    """A chapter and a lesson of each track: Lao text in the embedded Lao font,
    no outside request, no error, from file:// as a USB stick opens it."""
    from browser import open_page

    track_a, track_b = curriculum().modules[0], curriculum().modules[-1]
    sample = [
        "intro.html",
        f"chapters/{track_a.id}.html",
        f"chapters/{track_b.id}.html",
        f"modules/{track_a.id}/{track_a.lessons[0].replace('.ipynb', '.html')}",
        f"modules/{track_b.id}/{track_b.lessons[0].replace('.ipynb', '.html')}",
    ]
    problems = []
    for name in sample:
        page, report = open_page(browser, (lao_book / name).as_uri())
        try:
            seen = page.evaluate(LAO_FONT)
        finally:
            page.context.close()
        if report.blocked or report.console_errors or report.page_errors:
            problems.append(
                f"{name}: {report.blocked + report.console_errors + report.page_errors}"
            )
        if seen["lang"] != "lo" or not seen["hasLao"] or not seen["laoFont"]:
            problems.append(f"{name}: {seen}")
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_the_usb_bundle_carries_both_editions_linked(lao_book, tmp_path):
    """Built editions go into the zip at the same relative places, so the links still work."""
    import zipfile

    from course.publish import bundle
    from course.publish import pdf as book_pdf

    if not book_pdf.pdf_path().is_file():
        book_pdf.make_pdf()
    zip_path = bundle.make_bundle(target=tmp_path / "dgt.zip", build=False)
    with zipfile.ZipFile(zip_path) as archive:
        names = set(archive.namelist())
    module = curriculum().modules[0]
    lesson = f"modules/{module.id}/{module.lessons[0].replace('.ipynb', '.html')}"
    lao, english = "dgt-lab/book/lo/_build/html", "dgt-lab/book/html"
    assert f"{lao}/{lesson}" in names and f"{english}/{lesson}" in names
    to_english = edition.link_to("lo", "en")["root"]
    assert os.path.normpath(f"{lao}/{to_english}") == english
