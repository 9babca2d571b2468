"""Printable worksheets: A4 PDFs printed offline by chromium, from the course's data, with Lao."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import zipfile

import pytest

import browser as harness
from conftest import dgt
from course import logframe, maturity
from course.manifest import curriculum
from course.messages import catalogue, t
from course.publish import templates, worksheets

#: Pages of each sheet: the maturity form holds 20 questions; every other grid fits one sheet.
PAGES = {sheet.id: 1 for sheet in worksheets.SHEETS} | {"maturity": 3}
A4_POINTS = (595.92, 842.88)


def pdf_tool(name: str, *arguments: str) -> str:
    if not shutil.which(name):
        pytest.fail("poppler-utils is not installed: run 'sudo apt-get install poppler-utils'")
    command = [name, *arguments]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    """`dgt book worksheets --output DIR`, run once: the folder and what it printed."""
    folder = tmp_path_factory.mktemp("worksheets")
    printed = dgt("book", "worksheets", "--output", str(folder))
    return folder, printed


# The pages, without a browser --------------------------------------------------------------


def test_each_page_is_self_contained_with_no_outside_address():
    """No http(s) address, no file beside it: styles and the Lao font are inside the page."""
    for sheet in worksheets.SHEETS:
        page = worksheets.sheet_html(sheet)
        assert "@font-face" in page and "data:font/woff2;base64," in page
        text = re.sub(r"data:[\w/+;=,.-]+", "data:", page)  # the embedded font's bytes
        assert not re.search(r"https?:|//[a-z]|@import", text), sheet.id
        assert not re.search(r"""(src|href)\s*=|url\((?!"data:)""", text), sheet.id


def test_sheets_are_built_from_the_library():
    """The form lists every question; the logframe greys the cells its checks do not need."""
    page = worksheets.sheet_html(worksheets.sheet("maturity"))
    for record in maturity.load_questionnaire().to_dict("records"):
        assert f"<b>{record['question_id']}</b>" in page
        assert html.escape(record["level_5"]) in page
    page = worksheets.sheet_html(worksheets.sheet("logframe"))
    rows = {"impact": 1, "outcome": 2, "output": 3, "activity": 3, "input": 2}
    not_needed = sum(
        n * ((lv not in logframe.NEEDS_INDICATOR) + (lv not in logframe.NEEDS_ASSUMPTION))
        for lv, n in rows.items()
    )
    assert page.count('class="ws-grey"') == not_needed + rows["impact"]  # no link above it


def test_lao_is_shown_only_where_the_catalogue_has_it_and_marked_draft():
    """Lao from course/messages/lo, with the draft mark; a line to write it where there is none."""
    lao = catalogue("lo")
    for sheet in worksheets.SHEETS:
        page = worksheets.sheet_html(sheet)
        key = f"worksheets.{sheet.id}.title"
        if key in lao:
            assert lao[key] in page and t("worksheets.lao_draft") in page
        else:
            assert t("worksheets.lao_title") in page
        assert lao["worksheets.field.province"] in page
        assert t("worksheets.lao_note") in page


def test_output_that_is_a_file_is_one_clear_error(tmp_path, capsys):
    """`dgt book worksheets --output FILE` stops with one line and writes nothing."""
    from course.cli import main

    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    assert main(["book", "worksheets", "--output", str(target)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("dgt: ") and error.count("\n") == 1 and "notes.txt" in error
    assert target.read_text(encoding="utf-8") == "mine"


# The PDFs ----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.browser
def test_every_worksheet_is_an_a4_pdf_of_the_expected_length(kit):
    """One PDF per activity, each A4, maturity form 3 pages, every other sheet 1 page."""
    folder, printed = kit
    pdfs = sorted(folder.glob("*.pdf"))
    assert [p.name for p in pdfs] == [worksheets.file_name(s) for s in worksheets.SHEETS]
    for sheet in worksheets.SHEETS:
        info = pdf_tool("pdfinfo", str(folder / worksheets.file_name(sheet)))
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
        assert pages == PAGES[sheet.id], sheet.id
        assert (float(size.group(1)), float(size.group(2))) == pytest.approx(A4_POINTS, abs=1)
    assert t("worksheets.written", count=9, templates=4, path=folder) in printed
    assert not list(folder.glob("*.tmp"))


@pytest.mark.slow
@pytest.mark.browser
def test_worksheet_text_has_title_module_instructions_and_lao(kit):
    """Extracted text: title, module, instructions, and real Lao glyphs where expected."""
    folder, _ = kit
    lao = catalogue("lo")
    for sheet in worksheets.SHEETS:
        text = flat(
            pdf_tool("pdftotext", "-enc", "UTF-8", str(folder / worksheets.file_name(sheet)), "-")
        )
        assert sheet.title in text
        assert t(curriculum().module(sheet.module).title_key) in text
        assert flat(t(f"worksheets.{sheet.id}.instructions"))[:60] in text
        assert lao["worksheets.field.province"] in text and lao["worksheets.field.district"] in text
    text = pdf_tool("pdftotext", "-enc", "UTF-8", str(folder / "08-indicators.pdf"), "-")
    assert lao["worksheets.indicators.title"] in text
    assert t("worksheets.lao_draft") in flat(text)
    text = flat(pdf_tool("pdftotext", "-enc", "UTF-8", str(folder / "01-maturity.pdf"), "-"))
    for question_id in maturity.load_questionnaire()["question_id"]:
        assert question_id in text


@pytest.mark.slow
@pytest.mark.browser
def test_worksheet_pages_make_no_outside_request(browser, tmp_path):
    """Opened in chromium with the outside world blocked, a sheet asks for nothing."""
    for sheet in worksheets.SHEETS:
        source = tmp_path / f"{sheet.id}.html"
        source.write_text(worksheets.sheet_html(sheet), encoding="utf-8")
        page, report = harness.open_page(browser, source.as_uri())
        try:
            assert report.blocked == [], sheet.id
            assert all(r.startswith(("file:", "data:")) for r in report.requests), report.requests
            assert report.page_errors == [] and report.console_errors == []
            loaded = page.evaluate(
                "async () => { await document.fonts.ready;"
                " return document.fonts.check('12pt \"DGT Noto Sans Lao\"', 'ແຂວງ'); }"
            )
            assert loaded, sheet.id
        finally:
            page.context.close()


@pytest.mark.slow
@pytest.mark.browser
def test_the_kit_holds_the_templates_too(kit):
    """`dgt book worksheets` also writes the four spreadsheet templates."""
    folder, printed = kit
    for item in templates.templates():
        assert (folder / item.filename).is_file()
        assert str(folder / item.filename) in printed


@pytest.mark.slow
@pytest.mark.browser
def test_the_usb_bundle_includes_worksheets_and_templates(tmp_path, monkeypatch):
    """make_bundle puts every worksheet and template under dgt-lab/worksheets/."""
    from course.publish import book, bundle
    from course.publish import pdf as book_pdf

    html = tmp_path / "html"
    html.mkdir()
    (html / "index.html").write_text("<!DOCTYPE html><title>book</title>", encoding="utf-8")
    (tmp_path / "book.pdf").write_bytes(b"%PDF-1.4\n")
    monkeypatch.setattr(book, "output_dir", lambda: html)
    monkeypatch.setattr(book_pdf, "pdf_path", lambda: tmp_path / "book.pdf")
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    (wheels / ".complete").write_text(bundle.lock_digest() + "\n")  # only the lab's own wheel
    target = bundle.make_bundle(target=tmp_path / "usb.zip", wheelhouse=wheels, build=False)
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
    for sheet in worksheets.SHEETS:
        assert f"dgt-lab/worksheets/{worksheets.file_name(sheet)}" in names
    for item in templates.templates():
        assert f"dgt-lab/worksheets/{item.filename}" in names
