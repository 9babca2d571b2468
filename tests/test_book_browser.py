"""The offline book in a real browser: every page over http://127.0.0.1 and file://, offline."""

from __future__ import annotations

import shutil
import sys
from urllib.parse import quote

import nbformat
import pytest
import yaml

from browser import open_page
from conftest import Server, free_port, wait_for_http
from course.publish import book
from course.publish.pdf import pages_in_order

PROTOCOLS = ["http", "file"]

# Wait for fonts and MathJax, then say what the page shows.
INSPECT = """
async () => {
  await document.fonts.ready;
  const hasMath = document.querySelector("article .math") !== null;
  if (hasMath) {
    for (let i = 0; i < 200 && !(window.MathJax && MathJax.startup && MathJax.startup.promise); i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
  }
  const article = document.querySelector("article") || document.body;
  const hasLao = /[\\u0E80-\\u0EFF]/.test(article.innerText);
  await document.fonts.ready;
  const laoFont = [...document.fonts].some(
    (face) => face.family.replace(/"/g, "") === "DGT Noto Sans Lao" && face.status === "loaded");
  return {
    hasMath,
    typeset: document.querySelectorAll("mjx-container").length,
    hasLao,
    laoFont,
  };
}
"""


@pytest.fixture(scope="module")
def built():
    return book.build(strict=True, quiet=True)


@pytest.fixture(scope="module")
def server(built):
    port = free_port()
    command = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)]
    running = Server([*command, "--directory", str(built)], port, built)
    try:
        wait_for_http(f"{running.url}/index.html", timeout=30)
        yield running
    finally:
        running.stop()


def page_url(protocol: str, built, server, name: str) -> str:
    if protocol == "http":
        return f"{server.url}/{name}"
    return (built / name).as_uri()


def page_names() -> list[str]:
    names = [f"{name}.html" for _, name, _ in pages_in_order()]
    return [*names, "search.html", "genindex.html"]


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_every_page_works_offline(protocol, built, server, browser):
    """Each page: no outside request, no console error, math typeset, Lao in the embedded font."""
    problems, with_math, with_lao = [], 0, 0
    for name in page_names():
        page, report = open_page(browser, page_url(protocol, built, server, name))
        try:
            seen = page.evaluate(INSPECT)
        finally:
            page.context.close()
        if report.blocked:
            problems.append(f"{name}: blocked {report.blocked}")
        if report.console_errors or report.page_errors:
            problems.append(f"{name}: errors {report.console_errors + report.page_errors}")
        if seen["hasMath"]:
            with_math += 1
            if not seen["typeset"]:
                problems.append(f"{name}: math is not typeset")
        if seen["hasLao"]:
            with_lao += 1
            if not seen["laoFont"]:
                problems.append(f"{name}: Lao text without the embedded font")
    assert not problems, "\n".join(problems)
    assert with_math >= 1, "no page has math: the MathJax check checked nothing"
    assert with_lao >= 2, "the glossary and data-sources pages should show Lao text"


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("telecommunication", "glossary.html"),  # English, stemmed
        ("ເຊກອງ", "data-sources.html"),  # a Lao province name: Sekong
        ("ວຽງຈັນ", "data-sources.html"),  # Lao inside longer words: Vientiane
        ("ງົບປະມານ", "glossary.html"),  # a Lao glossary term: budget
    ],
)
def test_search_finds_english_and_lao_words(protocol, query, expected, built, server, browser):
    """The book's search page finds a known English and known Lao words, offline."""
    url = page_url(protocol, built, server, "search.html") + "?q=" + quote(query)
    page, report = open_page(browser, url)
    try:
        page.wait_for_function(
            "document.querySelectorAll('#search-results ul.search li').length > 0"
            " || /did not match/.test((document.querySelector('#search-results') || {}).innerText || '')",
            timeout=30_000,
        )
        page.wait_for_timeout(300)  # summaries (over http) arrive after the list
        found = page.eval_on_selector_all(
            "#search-results ul.search li a", "links => links.map(a => a.getAttribute('href'))"
        )
    finally:
        page.context.close()
    assert any(link.split("#")[0].endswith(expected) for link in found), (query, found)
    assert not report.blocked and not report.console_errors and not report.page_errors


@pytest.mark.slow
@pytest.mark.browser
def test_a_page_with_widgets_uses_the_vendored_manager(built, browser, tmp_path):
    """A notebook that saved widget state renders its widgets from _static, with no CDN request."""
    source = tmp_path / "src"
    source.mkdir()
    for item in ("_config.yml", "_ext", "_static"):
        origin = book.stage_dir() / item
        (shutil.copytree if origin.is_dir() else shutil.copy2)(origin, source / item)
    # A root page of its own: the real intro links pages this small book does not have.
    (source / "intro.md").write_text("# A book with one widget page\n", encoding="utf-8")
    config = yaml.safe_load((source / "_config.yml").read_text(encoding="utf-8"))
    config["execute"]["cache"] = str(tmp_path / "cache")
    config["sphinx"]["config"]["dgt_glossary_terms"] = []
    (source / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    toc = {"format": "jb-book", "root": "intro", "chapters": [{"file": "widgets"}]}
    (source / "_toc.yml").write_text(yaml.safe_dump(toc), encoding="utf-8")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Widgets"),
        nbformat.v4.new_code_cell(
            "import ipywidgets as w\nw.HBox([w.Button(description='Check', icon='check'),"
            " w.IntSlider(3)])"
        ),
    ]
    nbformat.write(notebook, source / "widgets.ipynb")
    from subprocess import run

    jupyter_book = str(book.Path(sys.executable).parent / "jupyter-book")
    result = run(
        [jupyter_book, "build", str(source), "--path-output", str(tmp_path), "--quiet", "-W"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    html = tmp_path / "_build" / "html" / "widgets.html"
    assert "vendor/widgets/embed.js" in html.read_text(encoding="utf-8")
    page, report = open_page(browser, html.as_uri())
    try:
        page.wait_for_selector(".widget-button", timeout=30_000)
    finally:
        page.context.close()
    assert not report.blocked and not report.console_errors and not report.page_errors


# Every element's computed style, and its ::before and ::after, in document order, once
# fonts and transitions have settled.
STYLES = """
async () => {
  await document.fonts.ready;
  await Promise.all(document.getAnimations().map((animation) => animation.finished));
  const props = ["display", "position", "width", "height", "margin", "padding", "color",
    "background-color", "font-size", "font-family", "font-weight", "overflow-y", "visibility",
    "max-height", "border", "opacity", "transform"];
  return [...document.querySelectorAll("body *")].map((element) => {
    const own = getComputedStyle(element);
    const pseudo = ["::before", "::after"].map((which) => {
      const style = getComputedStyle(element, which);
      return [style.content, style.display, style.fontFamily].join(" ");
    });
    return [element.tagName, element.getAttribute("class"),
      ...props.map((name) => own.getPropertyValue(name)), ...pseudo].join("|");
  });
}
"""

# One page of each kind: front and back matter, chapters, lessons with tables, charts,
# math and widgets, exercises, and the search and index pages.
STYLE_PAGES = [
    "intro.html",
    "chapters/B1-foundations.html",
    "modules/A1-working-with-data/A1-2-cleaning-and-charts.html",
    "modules/B2-situation-analysis/B2-1-maturity-self-assessment.html",
    "modules/B7-monitoring-evaluation/B7-4-indicator-report.html",
    "modules/B8-capstone/B8-1-sekong-plan.html",
    "exercises/B4-strategy-roadmap/B4-strategy-roadmap.html",
    "glossary.html",
    "trainers-guide.html",
    "data-sources.html",
    "search.html",
    "genindex.html",
]


@pytest.mark.slow
@pytest.mark.browser
def test_trimmed_stylesheets_style_every_element_as_the_originals(built, browser, tmp_path):
    """Dropping unused rules (course.publish.trim) changes no computed style: each page is compared
    with a copy of the book that has the untrimmed stylesheets back."""
    cache = built.parent / f".{built.name}-trim" / "css"
    untrimmed = tmp_path / "html"
    shutil.copytree(built, untrimmed)
    originals = list(cache.rglob("*.css"))
    assert len(originals) >= 5, "the build trimmed no stylesheet"
    for original in originals:
        shutil.copy(original, untrimmed / "_static" / original.relative_to(cache))
    differences = []
    for width in (1280, 420):
        for name in STYLE_PAGES:
            assert (built / name).is_file(), name
            styles = []
            for root in (built, untrimmed):
                page, _ = open_page(browser, (root / name).as_uri())
                try:
                    page.set_viewport_size({"width": width, "height": 900})
                    page.wait_for_timeout(300)
                    styles.append(page.evaluate(STYLES))
                finally:
                    page.context.close()
            changed = [(a, b) for a, b in zip(*styles, strict=True) if a != b]
            if changed:
                ours, theirs = (side.split("|") for side in changed[0])
                first = [(x, y) for x, y in zip(ours, theirs, strict=True) if x != y]
                differences.append(
                    f"{width}px {name}: {len(changed)} element(s), e.g. {ours[:2]} {first}"
                )
    assert not differences, "\n".join(differences)
