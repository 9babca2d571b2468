"""The offline book builds from the manifest, and its pages load nothing from the internet."""

import re

import pytest

from course import book
from course.manifest import curriculum
from course.messages import t

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
