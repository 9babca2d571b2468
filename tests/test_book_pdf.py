"""The book as one PDF: made offline by chromium, with contents, page numbers and Lao glyphs."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from course.manifest import curriculum
from course.messages import t
from course.publish import book
from course.publish import pdf as book_pdf


@pytest.fixture(scope="module")
def pdf():
    book.build(strict=True, quiet=True)
    return book_pdf.make_pdf()


def pdftotext(path, *options: str) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("poppler-utils is not installed: run 'sudo apt-get install poppler-utils'")
    command = ["pdftotext", "-enc", "UTF-8", *options, str(path), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
@pytest.mark.browser
def test_pdf_has_contents_outline_and_page_numbers(pdf):
    """The PDF has a contents page with page numbers, a PDF outline, and a page footer."""
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    assert b"/Outlines" in pdf.read_bytes()
    contents = pdftotext(pdf, "-f", "2", "-l", "3")
    assert t("book.pdf.contents") in contents
    sheets = pdftotext(pdf).split("\f")
    total = len([s for s in sheets if s.strip()])
    assert f"3 / {total}" in sheets[2]
    # Each module's chapter is listed with the page it starts on.
    numbers = book_pdf.find_page_numbers(pdf, {"x": t(curriculum().modules[-1].title_key)})
    assert numbers and numbers["x"] > 3
    assert str(numbers["x"]) in contents


@pytest.mark.slow
@pytest.mark.browser
def test_pdf_text_holds_english_and_lao_headings(pdf):
    """Extracted text has the modules' English titles and Lao words (real glyphs, not boxes)."""
    text = pdftotext(pdf)
    for module in curriculum().modules:
        assert " ".join(t(module.title_key).split()) in " ".join(text.split())
    assert "Glossary: English–Lao" in text
    for lao in ("ງົບປະມານ", "ເຊກອງ", "ນະຄອນຫຼວງວຽງຈັນ"):
        assert lao in text, lao


def test_pdf_without_a_built_book_is_one_clear_error(tmp_path):
    """make_pdf() on a folder with no HTML book raises a UserError naming the folder."""
    from course.errors import UserError

    with pytest.raises(UserError, match="dgt book build"):
        book_pdf.make_pdf(html_dir=tmp_path, target=tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
