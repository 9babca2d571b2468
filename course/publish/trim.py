"""Lighter book pages: drop the theme's CSS rules no page can use, and cut its icon fonts
down to the glyphs that the remaining rules draw.

The book's theme ships all of Bootstrap and all of Font Awesome's class rules in one
300 KB stylesheet, and a 150 KB icon font that admonitions and buttons fetch on every
page. A reader on a USB stick or a slow provincial link pays for each byte.

How a rule is judged (the same idea as PurgeCSS, done after the build):
- the *words* a page can use are every class and id in the built HTML and every
  identifier-like word in the book's scripts (scripts add classes such as ``show``);
- a selector is kept when each ``.class`` and ``#id`` it needs is such a word; what sits
  inside ``:not()``, ``:is()``, ``:where()``, ``:has()`` and ``[attribute]`` is not
  judged (a selector can match without it), so the test only ever keeps too much;
- a rule with no selector left is dropped; ``@media``/``@supports`` blocks are trimmed
  inside; every other at-rule (``@font-face``, ``@keyframes`` …) is kept.

The trimmed file starts with TRIMMED_MARK. Sphinx and its extensions copy their
stylesheets again when the copy differs from the source, but not all of them do, so the
untrimmed text is kept in a cache folder: a later build always trims from the original.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path

import tinycss2

TRIMMED_MARK = "/* trimmed for the offline book by course/publish/trim.py */\n"
CLASS_ATTR = re.compile(r'\bclass="([^"]*)"')
ID_ATTR = re.compile(r'\bid="([^"]*)"')
INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S)
SCRIPT_SRC = re.compile(r"""<script\b[^>]*\bsrc=["']([^"':]+)["']""")
WORD = re.compile(r"[A-Za-z_][\w-]*")
SELECTOR_NAME = re.compile(r"[.#]((?:\\.|[\w-])+)")
UNJUDGED_PSEUDO = re.compile(r":(?:not|is|where|has|-webkit-any|-moz-any)\(")
ATTRIBUTE = re.compile(r"\[[^\]]*\]")
BLOCK_AT_RULES = {"media", "supports", "layer", "container"}


def _vendored_package(script: Path, static: Path) -> str | None:
    """The folder under _static/vendor/ that holds `script` (None outside vendor/)."""
    try:
        parts = script.relative_to(static / "vendor").parts
    except ValueError:
        return None
    return parts[0] if len(parts) > 1 else None


def page_words(outdir: Path) -> set[str]:
    """Every class and id in the built pages, and every word in the scripts they can run.

    The theme's and Sphinx's scripts always count. A vendored package (MathJax, the widget
    manager: a few MB of words) counts only when some page loads a script from it; it may
    load the rest of its folder itself.
    """
    static = outdir / "_static"
    words: set[str] = set()
    loaded: set[str] = set()
    for page in outdir.rglob("*.html"):
        if "_sources" in page.parts:
            continue
        text = page.read_text(encoding="utf-8", errors="replace")
        for match in CLASS_ATTR.finditer(text):
            words.update(match.group(1).split())
        words.update(match.group(1) for match in ID_ATTR.finditer(text))
        for match in INLINE_SCRIPT.finditer(text):
            words.update(WORD.findall(match.group(1)))
        for source in SCRIPT_SRC.findall(text):
            script = (page.parent / source.split("?")[0]).resolve()
            package = _vendored_package(script, static.resolve())
            if package:
                loaded.add(package)
    for script in outdir.rglob("*.js"):
        package = _vendored_package(script, static)
        if package is None or package in loaded:
            words.update(WORD.findall(script.read_text(encoding="utf-8", errors="replace")))
    return words


def _without_unjudged(selector: str) -> str:
    """The selector with attribute tests and :not()/:is()/… arguments taken out."""
    selector = ATTRIBUTE.sub("", selector)
    kept, position = [], 0
    for match in UNJUDGED_PSEUDO.finditer(selector):
        if match.start() < position:
            continue
        kept.append(selector[position : match.start()])
        depth, index = 1, match.end()
        while index < len(selector) and depth:
            depth += {"(": 1, ")": -1}.get(selector[index], 0)
            index += 1
        position = index
    kept.append(selector[position:])
    return "".join(kept)


def _split_selectors(prelude: str) -> list[str]:
    """A selector list split at its top-level commas."""
    parts, depth, current = [], 0, []
    for char in prelude:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def selector_can_match(selector: str, words: set[str]) -> bool:
    """False only when the selector needs a class or id that no page or script has."""
    names = SELECTOR_NAME.findall(_without_unjudged(selector))
    return all(name.replace("\\", "") in words for name in names)


def _trim_rules(rules: Iterable, words: set[str]) -> list[str]:
    kept: list[str] = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = _split_selectors(tinycss2.serialize(rule.prelude))
            matching = [s for s in selectors if selector_can_match(s, words)]
            if matching:
                kept.append(",".join(matching) + "{" + tinycss2.serialize(rule.content) + "}")
        elif rule.type == "at-rule":
            if rule.lower_at_keyword in BLOCK_AT_RULES and rule.content is not None:
                inner = tinycss2.parse_rule_list(
                    rule.content, skip_comments=True, skip_whitespace=True
                )
                body = _trim_rules(inner, words)
                if body:
                    prelude = tinycss2.serialize(rule.prelude)
                    kept.append(f"@{rule.at_keyword}{prelude}{{{''.join(body)}}}")
            else:
                kept.append(rule.serialize())
    return kept


def trim_css(css: str, words: set[str]) -> str:
    """The stylesheet without the rules that no page can use."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return TRIMMED_MARK + "\n".join(_trim_rules(rules, words)) + "\n"


def _strings(tokens: Iterable) -> Iterable[str]:
    for token in tokens:
        if token.type == "string":
            yield token.value
        for inner in ("prelude", "content", "value", "arguments"):
            nested = getattr(token, inner, None)
            if isinstance(nested, list):
                yield from _strings(nested)


def glyphs(css: str) -> set[int]:
    """Code points an icon font may draw for the stylesheet: the characters of its short
    strings (``content:"\\f0c9"``, ``--fa:"\\2b"``; an icon is one character, or two)."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True)
    return {ord(char) for text in _strings(rules) if len(text) <= 2 for char in text}


def subset_font(source: Path, target: Path, codepoints: set[int]) -> None:
    """Write `source` cut down to `codepoints`, in the format its suffix names."""
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff2" if target.suffix == ".woff2" else None
    options.layout_features = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(font)
    partial = target.with_name(target.name + ".part")
    subset.save_font(font, str(partial), options)
    partial.replace(target)


def _write_if_changed(path: Path, data: bytes) -> None:
    if not path.is_file() or path.read_bytes() != data:
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(data)
        partial.replace(path)


def trim_stylesheets(static: Path, cache: Path, skip: tuple[str, ...], words: set[str]) -> str:
    """Trim every stylesheet under `static` except `skip` prefixes; return their text."""
    result = []
    for sheet in sorted(static.rglob("*.css")):
        relative = sheet.relative_to(static).as_posix()
        if relative.startswith(skip):
            continue
        text = sheet.read_text(encoding="utf-8")
        original = cache / "css" / relative
        if text.startswith(TRIMMED_MARK):
            if not original.is_file():
                result.append(text)  # trimmed by a build whose cache is gone: keep as is
                continue
            text = original.read_text(encoding="utf-8")
        else:
            original.parent.mkdir(parents=True, exist_ok=True)
            _write_if_changed(original, text.encode("utf-8"))
        trimmed = trim_css(text, words)
        _write_if_changed(sheet, trimmed.encode("utf-8"))
        result.append(trimmed)
    return "\n".join(result)


def trim_fonts(fonts: dict[Path, Path], codepoints: set[int], cache: Path) -> None:
    """Write each target font as its source cut to `codepoints`; reuse cached cuts."""
    for source, target in sorted(fonts.items()):
        key = hashlib.sha256(
            source.read_bytes() + json.dumps(sorted(codepoints)).encode()
        ).hexdigest()[:16]
        cut = cache / "fonts" / f"{key}{target.suffix}"
        if not cut.is_file():
            cut.parent.mkdir(parents=True, exist_ok=True)
            subset_font(source, cut, codepoints)
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_if_changed(target, cut.read_bytes())


def trim_book(outdir: Path, font_sources: Path, cache: Path) -> None:
    """Trim the built book in `outdir`: its theme stylesheets, then its icon fonts.

    `font_sources` is the theme's untouched Font Awesome folder (``webfonts``); the book's
    own stylesheets (``dgt-*.css``) and vendored assets are left as they are.
    """
    static = outdir / "_static"
    words = page_words(outdir)
    css = trim_stylesheets(static, cache, ("vendor/", "dgt-"), words)
    webfonts = static / "vendor" / "fontawesome" / "webfonts"
    if font_sources.is_dir() and webfonts.is_dir():
        fonts = {
            font_sources / target.name: target
            for target in webfonts.iterdir()
            if target.suffix in (".woff2", ".ttf") and (font_sources / target.name).is_file()
        }
        trim_fonts(fonts, glyphs(css), cache)
