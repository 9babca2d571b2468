"""The offline book builds from the manifest, and its pages load nothing from the internet."""

import posixpath
import re

import pytest

from conftest import LESSONS
from course.manifest import curriculum
from course.messages import t
from course.publish import book

HREF = re.compile(r'href="([^"#:]+\.html)(?:#[^"]*)?"')
EXTERNAL = re.compile(r"""<(?:script|link)\b[^>]*(?:src|href)=["'](?:https?:)?//""", re.IGNORECASE)


@pytest.fixture(scope="module")
def built():
    return book.build(strict=True, quiet=True)


@pytest.mark.slow
def test_every_module_has_its_pages(built):
    """Each module has a chapter page, its lessons and its exercise."""
    for module in curriculum().modules:
        assert (built / "chapters" / f"{module.id}.html").is_file()
        for lesson in module.lessons:
            assert (built / "modules" / module.id / lesson.replace(".ipynb", ".html")).is_file()
        exercise = (
            built / "exercises" / module.id / module.exercise.notebook.replace(".ipynb", ".html")
        )
        text = exercise.read_text(encoding="utf-8")
        assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name)
def test_lesson_executed_cleanly_in_the_book_build(built, lesson):
    """Every lesson ran top to bottom without error: the build's jupyter-cache holds its run.

    The strict build executes each lesson (errors fail it); a notebook enters the cache
    only after a run without error, so a match proves this exact lesson text executed.
    """
    from jupyter_cache import get_cache

    staged = book.stage_dir() / "modules" / lesson.parent.name / lesson.name
    assert staged.read_bytes() == lesson.read_bytes()
    cache = get_cache(str(book.book_dir() / "_build" / ".jupyter_cache"))
    assert cache.match_cache_file(str(staged)) is not None


@pytest.mark.slow
def test_b1_page_shows_real_outputs(built):
    """The B1 benchmark lesson is executed: its peer table and chart are in the page."""
    page = (built / "modules" / "B1-foundations" / "B1-2-egdi-benchmark.html").read_text(
        encoding="utf-8"
    )
    assert "Singapore" in page and "Timor-Leste" in page
    assert "<img" in page
    assert t("module.B1.title") in (built / "chapters" / "B1-foundations.html").read_text(
        encoding="utf-8"
    )


@pytest.mark.slow
def test_no_page_loads_scripts_or_styles_from_the_internet(built):
    """No HTML page references an http(s) script or stylesheet."""
    offenders = [
        str(page.relative_to(built))
        for page in built.rglob("*.html")
        if EXTERNAL.search(page.read_text(encoding="utf-8"))
    ]
    assert not offenders


@pytest.mark.slow
def test_table_of_contents_follows_the_manifest():
    """The staged _toc.yml lists the modules in manifest order, per track."""
    toc = book.toc(curriculum())
    files = [chapter["file"] for part in toc["parts"] for chapter in part["chapters"]]
    expected = [f"chapters/{m.id}" for m in curriculum().modules]
    assert [f for f in files if f.startswith("chapters/")] == expected


# --- Offline book (issue 4): search for Lao, glossary, data sources, assets ---------------

import sys  # noqa: E402

sys.path.insert(0, str(book.book_dir() / "_ext"))
import dgt_book  # noqa: E402


def test_lao_text_is_indexed_by_clusters_and_pairs():
    """A Lao run becomes its clusters (letter plus marks) and neighbouring pairs; English stays whole."""
    words = dgt_book.split_words("Sekong ເຊກອງ province")
    assert "Sekong" in words and "province" in words
    assert {"ເ", "ຊ", "ກ", "ອ", "ງ", "ເຊ", "ຊກ", "ກອ", "ອງ"} <= set(words)
    # Marks stay on their letter: ງົ is one cluster, never a lone mark.
    assert "ງົ" in dgt_book.lao_terms("ງົບປະມານ")
    assert not any(word in ("ົ", "ັ", "ີ") for word in dgt_book.split_words("ງົບປະມານ ປີ"))


def test_a_lao_query_inside_a_longer_run_matches_its_pairs():
    """Every pair of a Lao query is among the terms of a run that contains it."""
    indexed = set(dgt_book.split_words("ນະຄອນຫຼວງວຽງຈັນ"))
    query = dgt_book.lao_terms("ວຽງຈັນ", query=True)
    assert query and set(query) <= indexed
    assert dgt_book.lao_terms("ປີ", query=True) == ["ປີ"]


def test_glossary_terms_are_read_from_the_glossary_block(tmp_path):
    """Unindented lines inside the glossary block are terms; definitions are not."""
    page = tmp_path / "glossary.md"
    page.write_text(
        "# G\n\n```{glossary}\nPPA\nProvincial Assembly\n  Lao: x.\n\nData\n  Facts.\n```\n"
    )
    assert book.glossary_terms(page) == ["PPA", "Provincial Assembly", "Data"]
    assert book.glossary_terms(tmp_path / "missing.md") == []
    assert "Province" in book.glossary_terms(book.book_dir() / "glossary.md")


def test_data_sources_page_lists_real_and_synthetic_data():
    """The data-sources page names the 18 provinces in Lao and every synthetic dataset as SYNTHETIC."""
    from course import data, synthetic

    page = book.data_sources_page((book.book_dir() / "data-sources.md").read_text("utf-8"))
    assert "<!-- dgt:" not in page
    for row in data.provinces().itertuples():
        assert row.name_lo in page and row.code in page
    for name, module in synthetic.generators().items():
        assert f"**{name}**" in page and module.DESCRIPTION in page
        assert module.DESCRIPTION.startswith("SYNTHETIC")
    assert "PROVENANCE.md" in page


@pytest.mark.slow
def test_staging_again_keeps_unchanged_files_untouched(built):
    """A second stage rewrites nothing, so Sphinx and jupyter-cache see no change."""
    stage = book.stage_dir()
    before = {p: p.stat().st_mtime_ns for p in stage.rglob("*") if p.is_file()}
    book.stage()
    after = {p: p.stat().st_mtime_ns for p in stage.rglob("*") if p.is_file()}
    assert before == after


@pytest.mark.slow
def test_back_matter_is_in_the_book(built):
    """The glossary and the data-sources page are built, and lessons link glossary terms."""
    glossary = (built / "glossary.html").read_text(encoding="utf-8")
    assert "ແຂວງ" in glossary and "Draft" in glossary
    assert "SYNTHETIC" in (built / "data-sources.html").read_text(encoding="utf-8")
    linked = [
        page
        for module in curriculum().modules
        for page in (built / "modules" / module.id).glob("*.html")
        if 'href="../../glossary.html#term-' in page.read_text(encoding="utf-8")
    ]
    assert linked, "no lesson links a glossary term"


@pytest.mark.slow
def test_vendored_scripts_load_only_where_needed(built):
    """No page loads thebe, the widget manager without widget state, or MathJax twice."""
    for page in built.rglob("*.html"):
        if "_static" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        name = str(page.relative_to(built))
        assert "THEBE_JS_URL" not in text and "sphinx-thebe.js" not in text, name
        assert text.count("vendor/mathjax/tex-chtml.js") <= 1, name
        if "widget-state+json" not in text:
            assert "vendor/widgets/embed.js" not in text, name
    assert "vendor/mathjax/tex-chtml.js" in (built / "glossary.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_lao_font_subset_regenerates_the_committed_files(tmp_path):
    """make_lao_font() from Debian's fonts-noto-core gives the committed woff2 files and OFL."""
    fonts = book.book_dir() / "_static" / "fonts"
    if not (book.NOTO_DIR / book.LAO_FONT_FILES[0]).is_file():
        pytest.fail("fonts-noto-core is not installed: run 'sudo apt-get install fonts-noto-core'")
    for path in book.make_lao_font(target_dir=tmp_path):
        assert path.read_bytes() == (fonts / path.name).read_bytes(), path.name


@pytest.mark.slow
def test_every_page_shows_the_whole_table_of_contents(built):
    """No page keeps an old sidebar: each links every chapter and the trainer's guide
    (index.html only redirects to intro.html)."""
    targets = [f"chapters/{m.id}.html" for m in curriculum().modules] + ["trainers-guide.html"]
    for page in built.rglob("*.html"):
        if "_static" in page.parts or page.name in ("index.html", "search.html", "genindex.html"):
            continue
        here = page.relative_to(built).as_posix()
        links = {
            posixpath.normpath(posixpath.join(posixpath.dirname(here), href))
            for href in HREF.findall(page.read_text(encoding="utf-8"))
        }
        missing = [target for target in targets if target not in links and target != here]
        assert not missing, (page.relative_to(built), missing)


def test_a_new_title_or_contents_means_every_page_is_written(tmp_path):
    """The navigation fingerprint follows the contents and the titles, not the page bodies."""
    import nbformat

    (tmp_path / "_toc.yml").write_text("root: intro\n", encoding="utf-8")
    (tmp_path / "intro.md").write_text("# Welcome\n\nSome text.\n", encoding="utf-8")
    lesson = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Lesson one")])
    nbformat.write(lesson, tmp_path / "lesson.ipynb")
    key = book.navigation_key(tmp_path)

    (tmp_path / "intro.md").write_text("# Welcome\n\nOther text.\n", encoding="utf-8")
    assert book.navigation_key(tmp_path) == key
    lesson.cells[0].source = "# Lesson 1"
    nbformat.write(lesson, tmp_path / "lesson.ipynb")
    retitled = book.navigation_key(tmp_path)
    assert retitled != key
    (tmp_path / "_toc.yml").write_text("root: intro\nchapters: []\n", encoding="utf-8")
    assert book.navigation_key(tmp_path) not in (key, retitled)
