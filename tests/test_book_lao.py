"""The Lao edition of the book: built from the PO files, draft notices, links both ways, Lao search."""

from __future__ import annotations

import json
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
    assert caption in index
    for module in curriculum().modules:
        chapter = (lao_book / "chapters" / f"{module.id}.html").read_text(encoding="utf-8")
        with messages.language_in_use("lo"):
            assert messages.t(module.title_key) in chapter
