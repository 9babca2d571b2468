"""The offline book as one PDF: the built HTML pages joined, then printed by Debian's chromium.

`make_pdf()` joins the content of every page of the HTML book, in table-of-contents
order, into one print page (book/_build/print/book.html) with a cover, a contents
page and the embedded Lao font. Headless chromium (driven by Playwright) typesets the
math, prints it to PDF with page numbers in the footer and a PDF outline (bookmarks)
from the headings. When poppler's pdftotext is installed, a second print fills in the
page number of every entry on the contents page. Nothing is downloaded.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

from course.errors import UserError
from course.manifest import curriculum
from course.messages import t
from course.printing import print_to_pdf
from course.publish import book

PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
body { font-family: "DGT Noto Sans Lao", "Noto Sans", "DejaVu Sans", sans-serif;
       font-size: 10.5pt; line-height: 1.45; color: #111; }
h1, h2, h3, h4 { line-height: 1.25; break-after: avoid; }
section.dgt-page { break-before: page; }
.dgt-cover { height: 230mm; display: flex; flex-direction: column; justify-content: center; }
.dgt-cover h1 { font-size: 28pt; }
.dgt-toc { break-before: page; }
.dgt-toc ol { list-style: none; padding-left: 0; }
.dgt-toc li { display: flex; gap: 1em; margin: 0.15em 0; }
.dgt-toc li a { flex: 1; color: #111; text-decoration: none; }
.dgt-toc li.dgt-section { padding-left: 1.5em; }
.dgt-toc .dgt-pg { width: 3em; text-align: right; }
.dgt-toc h2 { margin-top: 1em; font-size: 12pt; }
pre, code { font-family: "DejaVu Sans Mono", monospace; font-size: 8.5pt; }
pre { white-space: pre-wrap; word-break: break-word; background: #f6f6f6; padding: 6px; }
div.cell_input { border-left: 3px solid #4a8; }
table { border-collapse: collapse; font-size: 9pt; margin: 0.5em 0; }
th, td { border: 1px solid #bbb; padding: 2px 5px; }
img { max-width: 100%; }
details > summary { font-weight: bold; }
.admonition { border-left: 4px solid #58a; padding: 2px 10px; margin: 0.8em 0; background: #f4f8fc; }
.admonition-title { font-weight: bold; }
a { color: #124; }
"""


def print_dir() -> Path:
    return book.book_dir() / "_build" / "print"


def pdf_path() -> Path:
    return book.book_dir() / "_build" / "pdf" / "dgt-lab-book.pdf"


def pages_in_order() -> list[tuple[str, str, int]]:
    """(part caption, page name, level) for every page of the book, in reading order."""
    toc = book.toc(curriculum())
    pages = [("", toc["root"], 0)]
    for part in toc["parts"]:
        for chapter in part["chapters"]:
            pages.append((part["caption"], chapter["file"], 0))
            pages.extend((part["caption"], s["file"], 1) for s in chapter.get("sections", []))
    return pages


def _slug(name: str) -> str:
    return "p-" + re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()


def _page_content(html_dir: Path, name: str, slugs: dict[str, str]):
    """The article of one built page, with ids, links and resource paths made print-ready."""
    from bs4 import BeautifulSoup

    source = html_dir / f"{name}.html"
    if not source.is_file():
        raise UserError(t("book.pdf.page_missing", path=source))
    soup = BeautifulSoup(source.read_text(encoding="utf-8"), "html.parser")
    article = soup.find("article", class_="bd-article")
    if article is None:
        raise UserError(t("book.pdf.page_missing", path=source))
    slug = slugs[name]
    for tag in article.select("a.headerlink, script, button, .toggle-details__summary svg"):
        tag.decompose()
    for details in article.find_all("details"):
        details["open"] = "open"
    for tag in article.find_all(id=True):
        tag["id"] = f"{slug}--{tag['id']}"
    for tag in article.find_all(["img", "source"], src=True):
        if not re.match(r"^[a-z]+:", tag["src"]):
            target = (source.parent / tag["src"]).resolve()
            tag["src"] = os.path.relpath(target, print_dir())
    for link in article.find_all("a", href=True):
        href = link["href"]
        if re.match(r"^[a-z]+:", href):
            continue
        path, _, anchor = href.partition("#")
        if not path:
            link["href"] = f"#{slug}--{anchor}"
            continue
        target = (source.parent / path).resolve()
        if not target.is_relative_to(html_dir.resolve()):  # e.g. the other edition's page
            del link["href"]
            continue
        name_of_target = target.relative_to(html_dir.resolve()).with_suffix("").as_posix()
        if name_of_target in slugs:
            other = slugs[name_of_target]
            link["href"] = f"#{other}--{anchor}" if anchor else f"#{other}"
        else:
            del link["href"]
    return article


def print_html(
    html_dir: Path, page_numbers: dict[str, int] | None = None
) -> tuple[str, dict[str, str]]:
    """One HTML document holding the cover, the contents and every page of the book.

    Returns the document and the title of each page, by page name.
    """
    import yaml

    config = yaml.safe_load((book.book_dir() / "_config.yml").read_text(encoding="utf-8"))
    pages = pages_in_order()
    slugs = {name: _slug(name) for _, name, _ in pages}
    static = os.path.relpath(html_dir.resolve() / "_static", print_dir())
    body, toc_rows, caption, titles = [], [], None, {}
    for part, name, level in pages:
        article = _page_content(html_dir, name, slugs)
        heading = article.find("h1")
        title = heading.get_text(" ", strip=True) if heading else name
        titles[name] = title
        if part != caption and part:
            toc_rows.append(f"</ol><h2>{html.escape(part)}</h2><ol>")
            caption = part
        number = (page_numbers or {}).get(name, "")
        toc_rows.append(
            f'<li class="{"dgt-section" if level else "dgt-chapter"}">'
            f'<a href="#{slugs[name]}">{html.escape(title)}</a>'
            f'<span class="dgt-pg">{number}</span></li>'
        )
        body.append(
            f'<section class="dgt-page" id="{slugs[name]}">{article.decode_contents()}</section>'
        )
    title = html.escape(str(config.get("title", "")))
    document = "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{title}</title>",
            f'<link rel="stylesheet" href="{static}/pygments.css">',
            f'<link rel="stylesheet" href="{static}/dgt-book.css">',
            f"<style>{PRINT_CSS}</style>",
            '<script>window.MathJax = {"options": {"processHtmlClass": '
            '"tex2jax_process|mathjax_process|math|output_area"}}</script>',
            f'<script defer src="{static}/vendor/mathjax/tex-chtml.js"></script>',
            "</head><body>",
            f'<div class="dgt-cover"><h1>{title}</h1><p>{html.escape(t("book.pdf.subtitle"))}</p></div>',
            f'<nav class="dgt-toc"><h1>{html.escape(t("book.pdf.contents"))}</h1><ol>',
            *toc_rows,
            "</ol></nav>",
            *body,
            "</body></html>",
        ]
    )
    return document, titles


def find_page_numbers(pdf: Path, titles: dict[str, str]) -> dict[str, int]:
    """The PDF page on which each page of the book starts.

    The contents pages list every title, in order, so the search starts after the
    sheet that first shows the last title; from there each page starts on a new
    sheet with its title. Uses poppler's pdftotext; returns {} without it.
    """
    if not shutil.which("pdftotext"):
        return {}
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    sheets = [" ".join(sheet.split()) for sheet in text.split("\f")]
    wanted = [" ".join(title.split()) for title in titles.values()]
    last_toc = next((i for i, sheet in enumerate(sheets) if wanted[-1] in sheet), None)
    if last_toc is None:
        return {}
    numbers, current = {}, last_toc + 1
    for name, title in zip(titles, wanted, strict=True):
        for index in range(current, len(sheets)):
            if sheets[index].startswith(title):
                numbers[name] = index + 1
                current = index + 1
                break
    return numbers


def make_pdf(html_dir: Path | None = None, target: Path | None = None) -> Path:
    """Print the built HTML book to one PDF (atomically); return its path."""
    html_dir = html_dir or book.output_dir()
    target = target or pdf_path()
    if not (html_dir / "index.html").is_file():
        raise UserError(t("book.pdf.not_built", path=html_dir))
    print_dir().mkdir(parents=True, exist_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = print_dir() / "book.html"
    tmp = target.with_name(target.name + ".tmp")
    document, titles = print_html(html_dir)
    book._write_if_changed(source, document)
    print_to_pdf(source, tmp)
    numbers = find_page_numbers(tmp, titles)
    if numbers:
        book._write_if_changed(source, print_html(html_dir, numbers)[0])
        print_to_pdf(source, tmp)
    tmp.replace(target)
    print(t("book.pdf.written", path=target))
    return target
