"""Print an HTML file to an A4 PDF with Debian's headless chromium, offline.

The one print route of the course, and the Lao font its pages embed: the book's PDF (`course.publish.pdf`) and a trainee's
capstone plan (`course.capstone.report`) both use it. Playwright drives the browser; every
request that is not a local file is aborted, so a page cannot reach the internet.
"""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

from course.errors import UserError
from course.messages import t

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--allow-file-access-from-files",
]
FOOTER = (
    '<div style="font-size:8pt;width:100%;text-align:center;color:#555">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


def print_to_pdf(source: Path, target: Path) -> None:
    """Print the HTML file `source` to `target` with headless chromium (the book's PDF route).

    The print runs in a worker thread, so it also works where an asyncio loop is already
    running (inside Jupyter, or beside another Playwright session), which Playwright's
    synchronous API refuses.
    """
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_print, source, target).result()


def _print(source: Path, target: Path) -> None:
    """Print `source` to `target` with headless chromium: A4, page numbers, outline."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise UserError(t("book.pdf.no_playwright")) from error
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).is_file():
        raise UserError(t("book.pdf.no_chromium"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_ARGS, headless=True
        )
        try:
            context = browser.new_context()
            # Nothing leaves the machine, even if a page asked for it.
            context.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith("file:") else route.abort()
                ),
            )
            page = context.new_page()
            page.goto(source.as_uri(), wait_until="load", timeout=120_000)
            page.evaluate(
                "async () => { await document.fonts.ready;"
                " if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }"
            )
            page.pdf(
                path=str(target),
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template="<div></div>",
                footer_template=FOOTER,
                margin={"top": "18mm", "bottom": "20mm", "left": "16mm", "right": "16mm"},
                outline=True,
                tagged=True,
            )
        finally:
            browser.close()


def lao_font_face() -> str:
    """@font-face rules that embed the course's Noto Sans Lao subset in a page, when it is built.

    A page printed or opened offline then shows Lao names and words in the same font as the
    book ("DGT Noto Sans Lao"), with no file beside it and no request.
    """
    from course.manifest import repo_root

    rules = []
    for weight, name in (("400", "Regular"), ("600 900", "Bold")):
        path = repo_root() / "book" / "_static" / "fonts" / f"NotoSansLao-{name}.subset.woff2"
        if path.is_file():
            encoded = base64.b64encode(path.read_bytes()).decode("ascii")
            rules.append(
                '@font-face { font-family: "DGT Noto Sans Lao"; font-weight: '
                f'{weight}; src: url("data:font/woff2;base64,{encoded}") format("woff2"); '
                "unicode-range: U+0E80-0EFF, U+25CC, U+200B-200D; }"
            )
    return "\n".join(rules)
