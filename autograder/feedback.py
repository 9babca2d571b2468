"""`dgt grade feedback`: one page per trainee saying which checks passed, which did not, and why, in plain words.

Unlike nbgrader's generate_feedback, the page is not the graded notebook: it never shows
code, so it cannot show a hidden test or a solution. For each question it shows the
result and the practice check's own message (from the catalogue), or a plain sentence
for a hidden check, an error, a time limit; then what to try next. A trainee's own
error text is shortened and escaped, and every page is checked against the source
notebook's secret lines (autograder/execution/leaks.py) before it is written. The page
embeds the course's Lao font (`course.printing.lao_font_face`), so Lao shows without tofu.

Pages go to `<workspace>/feedback/<trainee>/<assignment>/<notebook>.html` (where
nbgrader's release_feedback looks for them) with a plain-text twin `feedback.txt`.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

import nbformat

from autograder import practice, results, statuses
from autograder.execution import leaks
from autograder.execution.execute import STOPPED, TIME_LIMIT
from autograder.progress import Progress
from autograder.workspace import write_atomically
from course import activity
from course.errors import UserError
from course.manifest import curriculum
from course.messages import any_draft, draft_label, get_language, t
from course.printing import lao_font_face

# Lao characters come from the course's own font (embedded, so no tofu on a machine without
# one); its unicode-range leaves every other character to the fonts after it.
FONT_FAMILY = '"DGT Noto Sans Lao", "Noto Sans", "DejaVu Sans", Arial, sans-serif'
PASSED, NOT_YET, NOT_ATTEMPTED, WAITING, STOPPED_OUT = (
    "passed",
    "not_yet",
    "not_attempted",
    "waiting",
    "stopped",
)
COLOURS = {
    PASSED: "#1b7837",
    NOT_YET: "#b35806",
    NOT_ATTEMPTED: "#b35806",
    WAITING: "#4d4d4d",
    STOPPED_OUT: "#b2182b",
}
_SYNTAX = ("SyntaxError", "IndentationError", "TabError")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def question_labels(source: nbformat.NotebookNode) -> dict[str, str]:
    """Each question's label with its title, from the exercise's `## Question N (k points) — title` headings."""
    labels: dict[str, str] = {}
    for cell in source.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if cell.cell_type == "markdown" and grade_id.endswith("_question") and cell.source.strip():
            label = results.heading_label(cell.source.strip().splitlines()[0])
            if label:
                labels[grade_id.removesuffix("_question")] = label
    return labels


def _check_labels() -> tuple[str, ...]:
    return tuple(t(f"check.label.{k}") + ":" for k in ("not_yet", "not_attempted", "pass"))


def _first_error(cell: nbformat.NotebookNode | None) -> nbformat.NotebookNode | None:
    for out in (cell or {}).get("outputs", []):
        if out.get("output_type") == "error":
            return out
    return None


def _short(value: str, limit: int = 160) -> str:
    return value.strip().splitlines()[0][:limit].rstrip(".") if value.strip() else ""


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
        if name == "CellTimeoutError":
            return t("grade.feedback.timeout")
        if name == TIME_LIMIT:
            return t("grade.feedback.time_used_up")
        if name == STOPPED:
            return t("grade.feedback.stopped")
        if name == "MemoryError":
            return t("grade.feedback.memory")
        short = _short(value)
        return t("grade.feedback.error", error=f"{name}: {short}" if short else name)
    return t("grade.feedback.no_points")


def _answer_problem(cell: nbformat.NotebookNode | None, first_stop: bool) -> tuple[str, str] | None:
    """(outcome, text) when the trainee's own answer cell failed; None when it ran."""
    out = _first_error(cell)
    if out is None:
        return None
    name, value = str(out.get("ename", "")), str(out.get("evalue", ""))
    if name in _SYNTAX:
        trace = _ANSI.sub("", "\n".join(str(x) for x in out.get("traceback", [])))
        line = re.search(r"line (\d+)", trace)
        value = re.sub(r"\s*\([^()]*, line \d+\)\s*$", "", value.strip())  # "(cell.py, line 1)"
        where = (
            t("grade.feedback.syntax_where", name=name, line=line.group(1), message=_short(value))
            if line
            else f"{name}: {_short(value)}"
        )
        return NOT_YET, t("grade.feedback.answer_syntax", error=where)
    if name in ("CellTimeoutError", "KeyboardInterrupt"):
        return STOPPED_OUT, t("grade.feedback.timeout_here")
    if name == "MemoryError":
        return STOPPED_OUT, t("grade.feedback.memory_here")
    if name == STOPPED:
        return STOPPED_OUT, t(
            "grade.feedback.crashed_here" if first_stop else "grade.feedback.stopped"
        )
    if name == TIME_LIMIT:
        return STOPPED_OUT, t("grade.feedback.time_used_up")
    short = _short(value)
    error = f"{name}: {short}" if short else name
    return NOT_YET, t("grade.feedback.answer_error", error=error)


def _code_outcome(question, cells, first_stop: str | None) -> tuple[str, str]:
    """(outcome, text) of an autograded question that did not get its points."""
    base = question.grade_id.rsplit("_", 1)[0]
    answer = f"{base}_answer"
    problem = _answer_problem(cells.get(answer), first_stop == answer)
    if problem:
        return problem
    text = reason(cells.get(question.grade_id))
    label_not_yet, label_blank, _ = _check_labels()
    if text.startswith(label_blank):
        return NOT_ATTEMPTED, text.removeprefix(label_blank).strip()
    if text.startswith(label_not_yet):
        return NOT_YET, text.removeprefix(label_not_yet).strip()
    stopped = {
        t("grade.feedback.timeout"),
        t("grade.feedback.time_used_up"),
        t("grade.feedback.stopped"),
        t("grade.feedback.memory"),
    }
    if text in stopped:
        return STOPPED_OUT, text
    return NOT_YET, text + " " + t("grade.feedback.try_hint", name=base)


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


def _blank(cell: nbformat.NotebookNode | None, released: str | None) -> bool:
    """True when a written answer was left empty or as it was handed out."""
    if cell is None:
        return True
    text = cell.source.strip()
    return not text or (released is not None and text == released.strip())


def _released_answers(root: Path, assignment: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted((root / "release" / assignment).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id and cell.metadata.get("nbgrader", {}).get("solution"):
                found[grade_id] = cell.source
    return found


def _first_stopped(cells: dict[str, nbformat.NotebookNode]) -> str | None:
    """The grade id of the cell where the kernel stopped (the first with a 'stopped' output)."""
    for grade_id, cell in cells.items():
        out = _first_error(cell)
        if out is not None and out.get("ename") == STOPPED:
            return grade_id
    return None


def practice_line(record: activity.Summary | None, question: str, hints: int) -> str:
    """The practice checks run and hints seen for one question, if the notebook's record verifies."""
    if record is None or record.state != "recorded":
        return ""
    seen = record.hints.get(question, 0)
    key = "practice_last_hint" if hints and seen >= hints else "practice"
    return t(f"grade.feedback.{key}", checks=record.checks.get(question, 0), hints=seen, of=hints)


def items(
    row: results.Row,
    questions,
    cells,
    comments,
    labels=None,
    released=None,
    record: activity.Summary | None = None,
) -> list[dict]:
    """One entry per question: label, points, outcome, the plain reason and the practice record."""
    labels, released = labels or {}, released or {}
    hint_counts = practice.hint_counts(row.assignment) if record is not None else {}
    first_stop = _first_stopped(cells)
    entries = []
    for question in questions:
        score = row.questions.get(question.grade_id)
        base = question.grade_id.rsplit("_", 1)[0]
        answer = question.grade_id if question.manual else f"{base}_answer"
        if (
            question.manual
            and score in (None, 0)
            and _blank(cells.get(answer), released.get(answer))
        ):
            outcome, text = NOT_ATTEMPTED, t("grade.feedback.manual_blank")
        elif score is None:
            outcome, text = WAITING, t("grade.feedback.waiting")
        elif score >= question.max_score:
            key = "manual_full" if question.manual else "passed"
            outcome, text = PASSED, t(f"grade.feedback.{key}")
        elif question.manual:
            outcome = NOT_YET
            text = t(
                "grade.feedback.manual_partial",
                score=results_number(score),
                max=results_number(question.max_score),
            )
        else:
            outcome, text = _code_outcome(question, cells, first_stop)
        comment = comments.get(f"{base}_answer") or comments.get(question.grade_id) or ""
        if comment and outcome == NOT_YET and question.manual:
            text += " " + t("grade.feedback.see_comment")
        entries.append(
            {
                "label": labels.get(base, question.label),
                "points": f"{results_number(score)} / {results_number(question.max_score)}",
                "outcome": outcome,
                "text": text,
                "comment": comment,
                "practice": ""
                if question.manual
                else practice_line(record, base, hint_counts.get(base, 0)),
            }
        )
    return entries


def next_step(entries: list[dict]) -> str:
    """What to do next, true to the page: all passed, only waiting for the trainer, or work to do."""
    outcomes = {entry["outcome"] for entry in entries}
    if entries and outcomes == {PASSED}:
        return t("grade.feedback.next_done")
    if entries and outcomes <= {PASSED, WAITING}:
        return t("grade.feedback.next_waiting")
    return t("grade.feedback.next")


def inline_code(text: str) -> str:
    """Escape `text` for HTML and show `backticked` parts as <code>."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: show them as they are
        return html.escape(text)
    return "".join(
        html.escape(part) if index % 2 == 0 else f"<code>{html.escape(part)}</code>"
        for index, part in enumerate(parts)
    )


def results_number(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def render(
    row: results.Row, title: str, entries: list[dict], record: activity.Summary | None = None
) -> tuple[str, str]:
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
        *([f"<p class='dgt-draft'>[{esc(draft_label())}]</p>"] if any_draft("grade.") else []),
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
            f"<h2>{inline_code(entry['label'])} <small>({esc(entry['points'])})</small></h2>"
            f"<p><strong style='color:{colour}'>{esc(word)}</strong>: {inline_code(entry['text'])}</p>"
            + (
                f"<p>{esc(t('grade.feedback.comment'))} {inline_code(entry['comment'])}</p>"
                if entry["comment"]
                else ""
            )
            + "</section>"
        )
        lines_txt.append(f"{entry['label']} ({entry['points']}): {word}. {entry['text']}")
        if entry["comment"]:
            lines_txt.append(f"  {t('grade.feedback.comment')} {entry['comment']}")
        if entry.get("practice"):
            body.append(f"<p class='practice'><small>{esc(entry['practice'])}</small></p>")
            lines_txt.append(f"  {entry['practice']}")
    if record is not None and record.state == "edited":
        body.append(f"<p class='practice'>{esc(t('grade.feedback.practice_edited'))}</p>")
        lines_txt.append(t("grade.feedback.practice_edited"))
    body.append(f"<p>{esc(next_step(entries))}</p>")
    lines_txt += ["", next_step(entries)]
    page = (
        f"<!DOCTYPE html><html lang='{esc(get_language())}'><head><meta charset='utf-8'>"
        f"<title>{esc(title)}</title><style>{lao_font_face()}\n"
        f"body{{font-family:{FONT_FAMILY};max-width:46em;"
        "margin:1em auto;padding:0 1em;line-height:1.5}h2{font-size:1.1em;margin:.2em 0}"
        ":lang(lo){line-height:1.8}</style></head><body>" + "\n".join(body) + "</body></html>\n"
    )
    return page, "\n".join(lines_txt) + "\n"


def feedback(workspace, assignment: str) -> Counter:
    """Write the feedback pages of `assignment` for every trainee with a submission."""
    exercises = {e.id: e for e in curriculum().exercises}
    if assignment not in exercises:
        raise UserError(t("grade.unknown_assignment", name=assignment, known=", ".join(exercises)))
    if assignment not in results.assignments_in(workspace.db_url()):
        raise UserError(t("grade.not_released", assignment=assignment))
    module = curriculum().assignment(assignment)
    title = t(module.title_key)
    secrets = leaks.secret_lines(nbformat.read(exercises[assignment].source, as_version=4))
    db_url = workspace.db_url()
    questions = results.questions(workspace.root, db_url, assignment)
    labels = question_labels(nbformat.read(exercises[assignment].source, as_version=4))
    released = _released_answers(workspace.root, assignment)
    rows = [r for r in results.rows(workspace, [assignment]) if "missing" not in r.flags]
    notebook = Path(exercises[assignment].notebook).stem
    progress = Progress(len(rows))
    counts: Counter = Counter()
    for row in rows:
        cells = _graded_cells(workspace.root, row.trainee, assignment)
        record = practice.summary(workspace.root, row.trainee, assignment)
        entries = (
            items(
                row,
                questions,
                cells,
                _comments(db_url, row.trainee, assignment),
                labels,
                released,
                record,
            )
            if row.submitted
            else []
        )
        page, text = render(row, title, entries, record if row.submitted else None)
        hidden = t("grade.feedback.hidden")
        page, text = leaks.redact(page, secrets, hidden), leaks.redact(text, secrets, hidden)
        shown = html.unescape(re.sub(r"<[^>]+>", "", page))  # what the browser shows
        if any(leaks.leaks(x, secrets) for x in (page, text, shown)):
            raise RuntimeError(f"feedback for {row.trainee} still shows a secret line")
        folder = workspace.root / "feedback" / row.trainee / assignment
        write_atomically(folder / f"{notebook}.html", page)
        write_atomically(folder / "feedback.txt", text)
        counts[row.status] += 1
        progress.step(row.trainee, statuses.label(row.status), f"{row.score:g}/{row.max_score:g}")
    progress.finish(counts)
    return counts


def release_feedback(workspace, assignment: str) -> tuple[int, int]:
    """Deliver the feedback pages of `assignment` to trainees through nbgrader's exchange.

    nbgrader's release_feedback files each page under a name made from the submission's
    own secret, so only the trainee who submitted it can fetch it (the Assignments tab's
    "Fetch feedback"). Work that came on a USB stick has no secret: its page stays for
    the trainer to hand over. Returns (released, left for hand-over).
    """
    import shutil
    import warnings

    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    released, by_hand = 0, 0
    for folder in sorted((workspace.root / "feedback").glob(f"*/{assignment}")):
        submitted = workspace.root / "submitted" / folder.parent.name / assignment
        secret = submitted / "submission_secret.txt"
        if not secret.is_file() or not list(folder.glob("*.html")):
            by_hand += 1
            continue
        for name in ("timestamp.txt", "submission_secret.txt"):
            shutil.copyfile(submitted / name, folder / name)
        released += 1
    if not released:
        return 0, by_hand
    config = workspace.config()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coursedir = CourseDirectory(config=config)
        api = NbGraderAPI(coursedir=coursedir, config=config)
        result = api.release_feedback(assignment)
    if not result.get("success"):
        text = (result.get("error") or result.get("log") or "").strip().splitlines()
        raise UserError(
            t("grade.nbgrader_failed", command="release_feedback", detail=(text or ["?"])[-1])
        )
    return released, by_hand
