"""What must never reach a trainee: the hidden tests and the solutions of an exercise, line by line.

nbgrader hands hidden tests back to students inside the feedback (jupyter/nbgrader#917,
#1363). Here the release, the hand-out zip and every feedback page are checked against
the source notebook's secret lines before they are written, and anything that slips into
a feedback page (for example a trainee's code that prints the test it is running) is
cut out.
"""

from __future__ import annotations

import html
import re

import nbformat

MARKERS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN SOLUTION", "END SOLUTION")
#: Shorter lines (a bracket, "else:") say nothing and appear everywhere.
MIN_LENGTH = 12
_REGIONS = (("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"), ("BEGIN SOLUTION", "END SOLUTION"))


def secret_lines(source: nbformat.NotebookNode) -> list[str]:
    """The lines of hidden tests and solutions in an nbgrader source notebook."""
    found: list[str] = []
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        lines = cell.source.splitlines()
        if cell.cell_type == "markdown" and meta.get("solution"):
            found += lines  # a model answer for a written question
            continue
        inside = False
        for line in lines:
            if any(begin in line for begin, _ in _REGIONS):
                inside = True
                continue
            if any(end in line for _, end in _REGIONS):
                inside = False
                continue
            if inside:
                found.append(line)
    telling = {line.strip() for line in found if len(line.strip()) >= MIN_LENGTH}
    return sorted(telling, key=len, reverse=True)


def notebook_text(nb: nbformat.NotebookNode) -> str:
    """Everything a person sees in a notebook: cell sources and text outputs."""
    parts: list[str] = []
    for cell in nb.get("cells", []):
        parts.append(str(cell.get("source", "")))
        for out in cell.get("outputs", []) or []:
            parts.append(str(out.get("text", "")))
            parts.append(str(out.get("evalue", "")))
            parts.extend(str(line) for line in out.get("traceback", []) or [])
            for value in (out.get("data") or {}).values():
                parts.append(str(value))
    return "\n".join(parts)


def leaks(text: str, secrets: list[str]) -> list[str]:
    """The secret lines and nbgrader markers that appear in `text` (HTML entities decoded)."""
    plain = html.unescape(text)
    found = [m for m in MARKERS if m in plain]
    found += [line for line in secrets if line in plain]
    return found


def redact(text: str, secrets: list[str], replacement: str) -> str:
    """`text` with every secret line and marker replaced (works on escaped HTML too)."""
    for line in [*MARKERS, *secrets]:
        for form in {line, html.escape(line), html.escape(line, quote=False)}:
            text = text.replace(form, replacement)
    return re.sub(r"(?:" + re.escape(replacement) + r"\s*){2,}", replacement + " ", text)
