"""`dgt grade feedback`: one page per trainee saying which checks passed, which did not, and why, in plain words.

Unlike nbgrader's generate_feedback, the page is not the graded notebook: it never shows
code, so it cannot show a hidden test or a solution. For each question it shows the
result and the practice check's own message (from the catalogue), or a plain sentence
for a hidden check, an error, a time limit; then what to try next. A trainee's own
error text is shortened and escaped, and every page is checked against the source
notebook's secret lines (autograder/execution/leaks.py) before it is written.

Pages go to `<workspace>/feedback/<trainee>/<assignment>/<notebook>.html` (where
nbgrader's release_feedback looks for them) with a plain-text twin `feedback.txt`.
"""

from __future__ import annotations

import html
import os
from collections import Counter
from pathlib import Path

import nbformat

from autograder import results, statuses
from autograder.execution import leaks
from autograder.execution.execute import STOPPED, TIME_LIMIT
from autograder.progress import Progress
from course.errors import UserError
from course.manifest import curriculum
from course.messages import t

PASSED, NOT_YET, WAITING, NOT_RUN = "passed", "not_yet", "waiting", "not_run"
COLOURS = {PASSED: "#1b7837", NOT_YET: "#b35806", WAITING: "#4d4d4d", NOT_RUN: "#4d4d4d"}


def _check_labels() -> tuple[str, ...]:
    return tuple(t(f"check.label.{k}") + ":" for k in ("not_yet", "not_attempted", "pass"))


def reason(cell: nbformat.NotebookNode | None) -> str:
    """Why a grade cell scored zero, in plain words (never test or solution code)."""
    if cell is None:
        return t("grade.feedback.cell_missing")
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            return t("grade.feedback.warning")
        if out.get("output_type") != "error":
            continue
        name, value = str(out.get("ename", "")), str(out.get("evalue", "")).strip()
        if name == "AssertionError":
            if value.startswith(_check_labels()):
                return value.split("\n")[0][:400]
            return t("grade.feedback.hidden_failed")
        if name == "CellTimeoutError" or name == TIME_LIMIT:
            return t("grade.feedback.timeout")
        if name == STOPPED:
            return t("grade.feedback.stopped")
        if name == "MemoryError":
            return t("grade.feedback.memory")
        short = value.splitlines()[0][:160] if value else ""
        return t("grade.feedback.error", error=f"{name}: {short}" if short else name)
    return t("grade.feedback.no_points")


def _graded_cells(root: Path, trainee: str, assignment: str) -> dict[str, nbformat.NotebookNode]:
    cells: dict[str, nbformat.NotebookNode] = {}
    for path in sorted((root / "autograded" / trainee / assignment).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id:
                cells[grade_id] = cell
    return cells


def _comments(db_url: str, trainee: str, assignment: str) -> dict[str, str]:
    """The trainer's comments from Formgrader, by cell."""
    from nbgrader.api import MissingEntry

    found: dict[str, str] = {}
    with results.gradebook(db_url) as gradebook:
        try:
            submission = gradebook.find_submission(assignment, trainee)
        except MissingEntry:
            return found
        for notebook in submission.notebooks:
            for comment in notebook.comments:
                if comment.manual_comment:
                    found[comment.name] = comment.manual_comment
    return found


def items(row: results.Row, questions, cells, comments) -> list[dict]:
    """One entry per question: label, points, outcome and the plain reason."""
    entries = []
    for question in questions:
        score = row.questions.get(question.grade_id)
        base = question.grade_id.rsplit("_", 1)[0]
        if score is None:
            outcome, text = WAITING, t("grade.feedback.waiting")
        elif score >= question.max_score:
            outcome, text = PASSED, t("grade.feedback.passed")
        elif question.manual:
            outcome, text = NOT_YET, t("grade.feedback.manual_partial")
        else:
            outcome, text = NOT_YET, reason(cells.get(question.grade_id))
            if not text.startswith(_check_labels()[:2]):
                text += " " + t("grade.feedback.try_hint", name=base)
        comment = comments.get(f"{base}_answer") or comments.get(question.grade_id) or ""
        entries.append(
            {
                "label": question.label,
                "points": f"{results_number(score)} / {results_number(question.max_score)}",
                "outcome": outcome,
                "text": text,
                "comment": comment,
            }
        )
    return entries


def results_number(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def render(row: results.Row, title: str, entries: list[dict]) -> tuple[str, str]:
    """The HTML page and its plain-text twin."""
    esc = html.escape
    status = statuses.label(row.status)
    notes = [t(f"grade.status_trainee.{code}") for code in row.flags if code != "graded"]
    lines_txt = [
        t("grade.feedback.heading", title=title),
        t("grade.feedback.for", name=row.name or row.trainee, ppa=row.ppa or "-"),
        t("grade.feedback.score", score=f"{row.score:g}", max=f"{row.max_score:g}", status=status),
        *notes,
        "",
    ]
    body = [
        f"<h1>{esc(t('grade.feedback.heading', title=title))}</h1>",
        f"<p>{esc(t('grade.feedback.for', name=row.name or row.trainee, ppa=row.ppa or '-'))}</p>",
        f"<p class='score'><strong>{esc(t('grade.feedback.score', score=f'{row.score:g}', max=f'{row.max_score:g}', status=status))}</strong></p>",
    ]
    if notes:
        body.append("<ul class='notes'>" + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>")
    for entry in entries:
        colour = COLOURS[entry["outcome"]]
        word = t(f"grade.feedback.outcome.{entry['outcome']}")
        body.append(
            f"<section style='border-left:6px solid {colour};padding:4px 10px;margin:8px 0'>"
            f"<h2>{esc(entry['label'])} <small>({esc(entry['points'])})</small></h2>"
            f"<p><strong style='color:{colour}'>{esc(word)}</strong>: {esc(entry['text'])}</p>"
            + (
                f"<p>{esc(t('grade.feedback.comment'))} {esc(entry['comment'])}</p>"
                if entry["comment"]
                else ""
            )
            + "</section>"
        )
        lines_txt.append(f"{entry['label']} ({entry['points']}): {word}. {entry['text']}")
        if entry["comment"]:
            lines_txt.append(f"  {t('grade.feedback.comment')} {entry['comment']}")
    body.append(f"<p>{esc(t('grade.feedback.next'))}</p>")
    lines_txt += ["", t("grade.feedback.next")]
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{esc(title)}</title><style>body{{font-family:sans-serif;max-width:46em;"
        "margin:1em auto;padding:0 1em;line-height:1.5}h2{font-size:1.1em;margin:.2em 0}"
        "</style></head><body>" + "\n".join(body) + "</body></html>\n"
    )
    return page, "\n".join(lines_txt) + "\n"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def feedback(workspace, assignment: str) -> Counter:
    """Write the feedback pages of `assignment` for every trainee with a submission."""
    exercises = {e.id: e for e in curriculum().exercises}
    if assignment not in exercises:
        raise UserError(t("grade.unknown_assignment", name=assignment, known=", ".join(exercises)))
    if assignment not in results.assignments_in(workspace.db_url()):
        raise UserError(t("grade.not_released", assignment=assignment))
    module = curriculum().module(assignment)
    title = t(module.title_key)
    secrets = leaks.secret_lines(nbformat.read(exercises[assignment].source, as_version=4))
    db_url = workspace.db_url()
    questions = results.questions(workspace.root, db_url, assignment)
    rows = [r for r in results.rows(workspace, [assignment]) if "missing" not in r.flags]
    notebook = Path(exercises[assignment].notebook).stem
    progress = Progress(len(rows))
    counts: Counter = Counter()
    for row in rows:
        cells = _graded_cells(workspace.root, row.trainee, assignment)
        entries = (
            items(row, questions, cells, _comments(db_url, row.trainee, assignment))
            if row.submitted
            else []
        )
        page, text = render(row, title, entries)
        hidden = t("grade.feedback.hidden")
        page, text = leaks.redact(page, secrets, hidden), leaks.redact(text, secrets, hidden)
        if leaks.leaks(page, secrets) or leaks.leaks(text, secrets):
            raise RuntimeError(f"feedback for {row.trainee} still shows a secret line")
        folder = workspace.root / "feedback" / row.trainee / assignment
        _write(folder / f"{notebook}.html", page)
        _write(folder / "feedback.txt", text)
        counts[row.status] += 1
        progress.step(row.trainee, statuses.label(row.status), f"{row.score:g}/{row.max_score:g}")
    progress.finish(counts)
    return counts
