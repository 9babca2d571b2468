"""Basic accessibility checks (module B6) a trainee can run on a web page or a document's text.

`check_html(snippet)` looks for five common problems, using only Python's own HTML
parser: images without alt text, a page without a language, headings that skip a
level, vague link text such as "click here", and text whose colour contrast is too
low (inline styles only). `contrast_ratio` is the WCAG 2 formula; normal text needs
at least 4.5:1 (level AA), large text 3:1. `long_sentences` finds sentences that are
hard to read. These checks catch common mistakes; they do not replace testing with
people who use screen readers or other assistive technology.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pandas as pd

from course.errors import UserError
from course.messages import t

AA_NORMAL = 4.5
AA_LARGE = 3.0
CHECKS = ("img_alt", "lang", "heading_order", "link_text", "contrast")
VAGUE_LINK_TEXT = (
    "click here",
    "click",
    "here",
    "read more",
    "more",
    "link",
    "this link",
    "details",
    "go",
)
NAMED_COLOURS = {
    "black": "#000000",
    "white": "#ffffff",
    "grey": "#808080",
    "gray": "#808080",
    "silver": "#c0c0c0",
    "lightgrey": "#d3d3d3",
    "lightgray": "#d3d3d3",
    "red": "#ff0000",
    "maroon": "#800000",
    "green": "#008000",
    "lime": "#00ff00",
    "blue": "#0000ff",
    "navy": "#000080",
    "yellow": "#ffff00",
    "orange": "#ffa500",
    "purple": "#800080",
}


@dataclass(frozen=True)
class Issue:
    """One accessibility problem: which check found it, on which line, and what to do."""

    check: str
    line: int
    message: str

    def __str__(self) -> str:
        return t("accessibility.issue_line", line=self.line, message=self.message)


def parse_colour(colour: str) -> tuple[int, int, int]:
    """Return (red, green, blue) from 0 to 255 for "#1b7837", "#fff", "rgb(27, 120, 55)" or a name."""
    if not isinstance(colour, str):
        raise UserError(t("accessibility.error.colour", colour=colour))
    text = colour.strip().lower()
    text = NAMED_COLOURS.get(text, text)
    if re.fullmatch(r"#[0-9a-f]{3}", text):
        return tuple(int(ch * 2, 16) for ch in text[1:])  # type: ignore[return-value]
    if re.fullmatch(r"#[0-9a-f]{6}", text):
        return tuple(int(text[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]
    match = re.fullmatch(r"rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)", text)
    if match and all(int(v) <= 255 for v in match.groups()):
        return tuple(int(v) for v in match.groups())  # type: ignore[return-value]
    raise UserError(t("accessibility.error.colour", colour=colour))


def relative_luminance(colour: str) -> float:
    """Return the WCAG relative luminance of a colour: 0 for black, 1 for white."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in parse_colour(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(foreground: str, background: str) -> float:
    """Return the WCAG contrast ratio (lighter + 0.05) / (darker + 0.05), from 1 to 21."""
    first, second = relative_luminance(foreground), relative_luminance(background)
    lighter, darker = max(first, second), min(first, second)
    return (lighter + 0.05) / (darker + 0.05)


def _style(value: str | None) -> dict[str, str]:
    rules = {}
    for part in (value or "").split(";"):
        if ":" in part:
            name, _, setting = part.partition(":")
            rules[name.strip().lower()] = setting.strip()
    return rules


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.issues: list[Issue] = []
        self.last_heading = 0
        self.link: dict | None = None

    def add(self, check: str, key: str | None = None, **values: object) -> None:
        line = self.getpos()[0]
        message = t(f"accessibility.issue.{key or check}", **values)
        self.issues.append(Issue(check, line, message))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name.lower(): (value or "") for name, value in attrs}
        if tag == "img" and "alt" not in attributes:
            self.add("img_alt", src=attributes.get("src", "?"))
        if tag == "html" and not attributes.get("lang", "").strip():
            self.add("lang")
        if re.fullmatch(r"h[1-6]", tag):
            level = int(tag[1])
            if self.last_heading and level > self.last_heading + 1:
                self.add("heading_order", tag=tag, previous=f"h{self.last_heading}")
            elif not self.last_heading and level > 1:
                self.add("heading_order", tag=tag, previous=t("accessibility.no_heading"))
            self.last_heading = level
        if tag == "a":
            self.link = {
                "text": "",
                "label": attributes.get("aria-label", ""),
                "line": self.getpos()[0],
            }
        style = _style(attributes.get("style"))
        foreground = style.get("color")
        background = style.get("background-color") or style.get("background")
        if foreground and background:
            try:
                ratio = contrast_ratio(foreground, background)
            except UserError:
                self.add("contrast", "colour_unknown", style=attributes.get("style", ""))
            else:
                if ratio < AA_NORMAL:
                    self.add(
                        "contrast",
                        ratio=f"{ratio:.1f}",
                        fg=foreground,
                        bg=background,
                        need=AA_NORMAL,
                    )

    def handle_data(self, data: str) -> None:
        if self.link is not None:
            self.link["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.link is not None:
            text = " ".join(self.link["text"].split()).lower().strip(" .:!")
            label = self.link["label"].strip()
            if (not text and not label) or text in VAGUE_LINK_TEXT:
                shown = self.link["text"].strip() or "…"
                self.issues.append(
                    Issue(
                        "link_text",
                        self.link["line"],
                        t("accessibility.issue.link_text", text=shown),
                    )
                )
            self.link = None


def check_html(snippet: str) -> list[Issue]:
    """Return the accessibility issues found in an HTML page or snippet, in line order.

    The language check applies only when the snippet has an <html> tag; contrast is
    checked only where one element's inline style sets both `color` and a background.
    """
    if not isinstance(snippet, str):
        raise UserError(t("accessibility.error.not_text", value=type(snippet).__name__))
    checker = _Checker()
    checker.feed(snippet)
    checker.close()
    return sorted(checker.issues, key=lambda issue: issue.line)


def issues_table(issues: list[Issue]) -> pd.DataFrame:
    """Return the issues as a table with the columns check, line, message."""
    return pd.DataFrame(
        [{"check": i.check, "line": i.line, "message": i.message} for i in issues],
        columns=["check", "line", "message"],
    )


def long_sentences(text: str, limit: int = 20) -> list[str]:
    """Return the sentences of `text` with more than `limit` words (hard to read; split them)."""
    if not isinstance(text, str):
        raise UserError(t("accessibility.error.not_text", value=type(text).__name__))
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise UserError(t("accessibility.error.limit", value=limit))
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    return [s for s in sentences if len(s.split()) > limit]
