"""Trimming the book's theme stylesheets and icon fonts (course.publish.trim), without a build."""

from __future__ import annotations

from pathlib import Path

from course.publish import trim

WORDS = {"btn", "show", "bd-sidebar", "fa-bars", "active", "main"}


def trimmed(css: str, words: set[str] = WORDS) -> str:
    return trim.trim_css(css, words).removeprefix(trim.TRIMMED_MARK).strip()


def test_rules_for_classes_no_page_has_are_dropped():
    css = ".btn{color:red}.carousel{color:blue}.btn.carousel-item{x:1}#main{y:2}#nav{z:3}"
    assert trimmed(css).split("\n") == [".btn{color:red}", "#main{y:2}"]


def test_a_selector_list_keeps_only_its_matching_selectors():
    css = '.fa-bars:before,.fa-navicon:before{content:"\\f0c9"}'
    assert trimmed(css) == '.fa-bars:before{content:"\uf0c9"}'


def test_negations_attributes_and_tags_are_not_judged():
    css = (
        ".btn:not(.disabled){a:1}"
        ":is(.nowhere,.btn) span{b:2}"
        "[class*=col-]{c:3}"
        "html[data-theme=dark] .bd-sidebar{d:4}"
        "table td{e:5}"
        ".nowhere:not(.btn){f:6}"
    )
    kept = trimmed(css)
    for declaration in ("a:1", "b:2", "c:3", "d:4", "e:5"):
        assert declaration in kept
    assert "f:6" not in kept


def test_media_blocks_are_trimmed_inside_and_dropped_when_empty():
    css = (
        "@media (min-width:960px){.bd-sidebar{w:1}.offcanvas{w:2}}"
        "@media print{.offcanvas{w:3}}"
        "@font-face{font-family:X;src:url(x.woff2)}"
        "@keyframes spin{to{transform:rotate(1turn)}}"
    )
    kept = trimmed(css)
    assert "@media (min-width:960px){.bd-sidebar{w:1}}" in kept
    assert "w:2" not in kept and "print" not in kept
    assert "@font-face" in kept and "@keyframes spin" in kept


def test_page_words_come_from_classes_ids_and_scripts(tmp_path):
    (tmp_path / "_static").mkdir()
    (tmp_path / "index.html").write_text(
        '<div class="bd-main  col-md-9" id="top"><script>el.classList.add("is-open")</script>',
        encoding="utf-8",
    )
    (tmp_path / "_static" / "app.js").write_text('x.classList.toggle("collapsing")')
    words = trim.page_words(tmp_path)
    assert {"bd-main", "col-md-9", "top", "is-open", "collapsing"} <= words
    assert "carousel" not in words


def test_a_vendored_package_counts_only_when_a_page_loads_it(tmp_path):
    """MathJax or the widget manager hold thousands of words; they count only where used."""
    for package in ("mathjax", "widgets"):
        folder = tmp_path / "_static" / "vendor" / package
        folder.mkdir(parents=True)
        (folder / "main.js").write_text(f'add("{package}-entry")', encoding="utf-8")
        (folder / "part.js").write_text(f'add("{package}-part")', encoding="utf-8")
    (tmp_path / "lesson").mkdir()
    (tmp_path / "lesson" / "page.html").write_text(
        '<script src="../_static/vendor/mathjax/main.js?v=1"></script>', encoding="utf-8"
    )
    words = trim.page_words(tmp_path)
    assert {"mathjax-entry", "mathjax-part"} <= words
    assert not {"widgets-entry", "widgets-part"} & words


def test_glyphs_are_the_characters_of_short_strings():
    css = (
        '.fa-bars:before{content:"\\f0c9"}:root{--pst-icon-info:"\uf05a";--x:"\\2b"}'
        '@media print{.a:after{content:"\\f00d"}}'
        ':root{--fa-font-solid:normal 900 1em/1 "Font Awesome 6 Free"}'
    )
    assert trim.glyphs(css) == {0xF0C9, 0xF05A, 0x2B, 0xF00D}


def test_trimming_again_starts_from_the_original(tmp_path):
    """A build that finds its own trimmed file (not copied again) trims the cached original."""
    static, cache = tmp_path / "_static", tmp_path / "cache"
    static.mkdir()
    sheet = static / "theme.css"
    sheet.write_text(".btn{a:1}.carousel{b:2}", encoding="utf-8")
    trim.trim_stylesheets(static, cache, (), WORDS)
    assert "b:2" not in sheet.read_text(encoding="utf-8")
    trim.trim_stylesheets(static, cache, (), WORDS | {"carousel"})
    text = sheet.read_text(encoding="utf-8")
    assert text.startswith(trim.TRIMMED_MARK) and "a:1" in text and "b:2" in text


def test_an_icon_font_is_cut_to_the_glyphs_it_needs(tmp_path):
    import pydata_sphinx_theme
    from fontTools.ttLib import TTFont

    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
    source = theme / "static" / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.woff2"
    target = tmp_path / "fa-solid-900.woff2"
    trim.trim_fonts({source: target}, {0xF0C9, 0xF05A}, tmp_path / "cache")
    assert set(TTFont(str(target)).getBestCmap()) == {0xF0C9, 0xF05A}
    assert target.stat().st_size < source.stat().st_size / 10
