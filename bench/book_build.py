"""Benchmark the offline book: build times, sizes, and page weight in a real browser.

Run: .venv/bin/python bench/book_build.py [--skip-full] [--skip-bundle]

- full build: book/_build removed (the execution cache too), then `dgt book build`;
- unchanged rebuild: `dgt book build` again;
- one page touched: one staged lesson's time stamp made newer, then rebuilt;
- sizes: the HTML folder, the PDF and the bundle zip;
- page weight: every page opened in Debian's chromium over http://127.0.0.1 with a cold
  cache (a fresh browser context per page); the bytes of every response body it fetched;
  then the same for a copy with the theme's untrimmed stylesheets and icon fonts (the
  ratio is what course.publish.trim saves).
Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from course.manifest import curriculum  # noqa: E402
from course.publish import book, bundle, pdf  # noqa: E402


def timed(action) -> float:
    start = time.monotonic()
    action()
    seconds = time.monotonic() - start
    print(f"BENCH {seconds:.1f} s", file=sys.stderr, flush=True)
    return seconds


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def page_weights(html_dir: Path) -> dict[str, int]:
    """Bytes fetched to show each page on a cold cache, over a local server."""
    from playwright.sync_api import sync_playwright

    import browser as harness
    from conftest import Server, free_port, wait_for_http

    port = free_port()
    command = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)]
    server = Server([*command, "--directory", str(html_dir)], port, html_dir)
    weights: dict[str, int] = {}
    try:
        wait_for_http(f"{server.url}/index.html", timeout=30)
        names = [f"{n}.html" for _, n, _ in pdf.pages_in_order()] + ["search.html"]
        with sync_playwright() as playwright:
            chromium = harness.launch(playwright)
            for name in names:
                context = chromium.new_context()
                page = context.new_page()
                fetched: list = []
                page.on("requestfinished", lambda request, seen=fetched: seen.append(request))
                page.goto(f"{server.url}/{name}", wait_until="networkidle")
                page.wait_for_timeout(300)
                weights[name] = sum(r.sizes()["responseBodySize"] for r in fetched)
                context.close()
            chromium.close()
    finally:
        server.stop()
    return weights


def untrimmed_copy(html_dir: Path, target: Path) -> Path:
    """A copy of the book with the stylesheets and icon fonts as the theme ships them."""
    shutil.copytree(html_dir, target)
    cache = html_dir.parent / f".{html_dir.name}-trim" / "css"
    for original in cache.rglob("*.css"):
        shutil.copy(original, target / "_static" / original.relative_to(cache))
    import pydata_sphinx_theme

    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
    fonts = theme / "static" / "vendor" / "fontawesome" / "webfonts"
    shutil.copytree(
        fonts, target / "_static" / "vendor" / "fontawesome" / "webfonts", dirs_exist_ok=True
    )
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-full", action="store_true", help="keep book/_build")
    parser.add_argument("--skip-bundle", action="store_true")
    args = parser.parse_args()
    results: dict[str, object] = {"modules": len(curriculum().modules)}
    if not args.skip_full:
        for item in ("html", "jupyter_execute", ".jupyter_cache", ".doctrees", ".html-trim"):
            shutil.rmtree(book.book_dir() / "_build" / item, ignore_errors=True)
        (book.book_dir() / "_build" / ".html-navigation").unlink(missing_ok=True)
        shutil.rmtree(book.stage_dir(), ignore_errors=True)
        results["full_build_s"] = timed(lambda: book.build(quiet=True))
    else:
        book.build(quiet=True)
    results["unchanged_rebuild_s"] = timed(lambda: book.build(quiet=True))
    # Touch one page: a newer time stamp on one staged lesson (its content is unchanged,
    # so jupyter-cache has its outputs; Sphinx re-reads and rewrites that page).
    module = curriculum().modules[-1]
    lesson = book.stage_dir() / "modules" / module.id / module.lessons[0]
    now = time.time()
    os.utime(lesson, (now, now))
    results["one_page_touched_rebuild_s"] = timed(lambda: book.build(quiet=True))
    html_dir = book.output_dir()
    results["html_bytes"] = folder_size(html_dir)
    results["html_files"] = sum(1 for p in html_dir.rglob("*") if p.is_file())
    results["pdf_s"] = timed(pdf.make_pdf)
    results["pdf_bytes"] = pdf.pdf_path().stat().st_size
    pages = subprocess.run(["pdfinfo", str(pdf.pdf_path())], capture_output=True, text=True).stdout
    results["pdf_pages"] = next(
        (line.split()[-1] for line in pages.splitlines() if line.startswith("Pages")), "?"
    )
    if not args.skip_bundle:
        results["bundle_s"] = timed(lambda: bundle.make_bundle(build=False))
        results["bundle_bytes"] = bundle.bundle_path().stat().st_size
    weights = page_weights(html_dir)
    results["pages"] = len(weights)
    results["median_page_bytes"] = statistics.median(weights.values())
    heaviest = max(weights, key=weights.get)
    results["largest_page"] = heaviest
    results["largest_page_bytes"] = weights[heaviest]
    # The same pages with the theme's untrimmed stylesheets and icon fonts put back.
    with tempfile.TemporaryDirectory() as scratch:
        untrimmed = untrimmed_copy(html_dir, Path(scratch) / "html")
        before = page_weights(untrimmed)
    results["untrimmed_median_page_bytes"] = statistics.median(before.values())
    results["trimmed_to_untrimmed_median"] = round(
        results["median_page_bytes"] / results["untrimmed_median_page_bytes"], 3
    )
    print(json.dumps(results, indent=2))
    print("\n| measure | value |\n| --- | --- |")
    for key, value in results.items():
        shown = f"{value:.1f}" if isinstance(value, float) else value
        print(f"| {key} | {shown} |")


if __name__ == "__main__":
    main()
