"""The maturity self-assessment app (module B2): answer, score, compare with a target, save, report.

The questions come from the questionnaire data file (`course.maturity`), not from code.
Scores, gaps and suggested actions come from `course.maturity`; this module lays them
out. Answers are saved as a small JSON file through the browser's download, and loaded
back with an upload; the one-page report is an HTML file made from the same tables
that are on screen.
"""

from __future__ import annotations

import datetime
import math
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from course import maturity
from course.errors import UserError
from course.messages import t
from course.serve.ui import common, header

APP = "maturity-assessment"
NOT_ANSWERED = 0  # the radio option that means "no answer yet"
DEFAULT_TARGET = 3.0


def results(
    answers: Mapping[str, int], target: float
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(scores, gaps, actions) for some answers and one target level (UserError if invalid)."""
    scores = maturity.score(answers)
    gap_table = maturity.gaps(scores, target)
    return scores, gap_table, maturity.suggested_actions(gap_table)


def scores_html(scores: pd.DataFrame) -> str:
    """The scores per dimension, with the level's name next to each number."""
    rows = scores.assign(
        label=[maturity.dimension_label(d) for d in scores["dimension"]],
        level=[
            "" if pd.isna(s) else maturity.level_label(max(1, math.floor(s)))
            for s in scores["score"]
        ],
        count=[f"{a} / {q}" for a, q in zip(scores["answered"], scores["questions"], strict=True)],
    )
    return common.table(
        rows,
        common.headers("app.maturity-assessment", "label:dimension score level count:answered"),
        formats={"score": lambda v: common.number(v, 1)},
        css_class="dgt-score-table",
    )


def gaps_html(gap_table: pd.DataFrame) -> str:
    """The gaps to the target, largest first (the priority order)."""
    rows = gap_table.assign(
        priority=range(1, len(gap_table) + 1),
        label=[maturity.dimension_label(d) for d in gap_table["dimension"]],
    )
    return common.table(
        rows,
        common.headers("app.maturity-assessment", "priority label:dimension score target gap"),
        formats={c: lambda v: common.number(v, 1) for c in ("score", "target", "gap")},
        css_class="dgt-gap-table",
    )


def actions_html(actions: pd.DataFrame) -> str:
    """The suggested actions, grouped by dimension in priority order."""
    if actions.empty:
        return common.message(t("app.maturity-assessment.no_gaps"), "ok")
    rows = actions.assign(
        label=[maturity.dimension_label(d) for d in actions["dimension"]],
        step=[t("app.maturity-assessment.step", low=lv, high=lv + 1) for lv in actions["level"]],
    )
    return common.table(
        rows,
        common.headers("app.maturity-assessment", "label:dimension step:from_level action"),
        css_class="dgt-action-table",
    )


def chart_svg(gap_table: pd.DataFrame) -> str:
    """The bar chart of scores with the target marked, as SVG."""
    fig, ax = common.figure(7, 4)
    maturity.chart(gap_table, ax=ax)
    return common.svg(fig, t("maturity.chart.title"))


def answers_file(answers: Mapping[str, int], organisation: str, date: str) -> bytes:
    """The saved-answers file (JSON) exactly as `maturity.save_answers` writes it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "answers.json"
        maturity.save_answers(answers, path, organisation=organisation, date=date)
        return path.read_bytes()


def read_answers_file(name: str, content: bytes) -> tuple[dict[str, int], dict]:
    """Answers and metadata from an uploaded file (UserError if it is not a saved assessment)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(content)
        return maturity.load_answers(path)


def report_html(answers: Mapping[str, int], target: float, organisation: str, date: str) -> str:
    """The one-page report: who and when, overall score, chart, scores, gaps and actions."""
    scores, gap_table, actions = results(answers, target)
    title = t("app.maturity-assessment.report_title", organisation=organisation, date=date)
    overall = common.number(maturity.overall(scores), 1)
    parts = [
        f"<h1>{common.esc(title)}</h1>",
        f"<p>{common.esc(t('app.maturity-assessment.overall', score=overall))}</p>",
        f"<p>{common.esc(t('app.maturity-assessment.target_line', target=common.number(target, 1)))}</p>",
        chart_svg(gap_table),
        f"<h2>{common.esc(t('app.maturity-assessment.scores_heading'))}</h2>",
        scores_html(scores),
        f"<h2>{common.esc(t('app.maturity-assessment.gaps_heading'))}</h2>",
        gaps_html(gap_table),
        f"<h2>{common.esc(t('app.maturity-assessment.actions_heading'))}</h2>",
        actions_html(actions),
        f'<p class="dgt-source">{common.esc(t("app.maturity-assessment.report_note"))}</p>',
    ]
    style = (
        "body{font-family:sans-serif;max-width:48rem;margin:1.5rem auto;color:#1a1a1a}"
        "table{border-collapse:collapse;margin:.4rem 0}th,td{border:1px solid #bbb;"
        "padding:.2rem .5rem;text-align:left}td.dgt-num{text-align:right}"
        ".dgt-source{color:#555;font-size:.85rem}svg{max-width:100%;height:auto}"
        "@media print{h2{page-break-after:avoid}}"
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{common.esc(title)}'
        f"</title><style>{style}</style></head><body>{''.join(parts)}</body></html>"
    )


def _slug(text: str) -> str:
    """A file-name-safe version of an organisation name."""
    kept = "".join(c if c.isalnum() else "-" for c in text.strip().lower())
    return "-".join(filter(None, kept.split("-"))) or "ppa"


class Assessment:
    """The widgets of the self-assessment and how they react; `widget` is the whole app."""

    def __init__(self) -> None:
        import ipywidgets as widgets

        self.questionnaire = maturity.load_questionnaire()
        self._quiet = False
        self.organisation = widgets.Text(
            description=t("app.maturity-assessment.organisation"),
            placeholder=t("app.maturity-assessment.organisation_hint"),
            continuous_update=False,
        )
        self.date = widgets.Text(
            value=datetime.date.today().isoformat(),
            description=t("app.maturity-assessment.date"),
            continuous_update=False,
        )
        self.target = widgets.FloatText(
            value=DEFAULT_TARGET,
            step=0.5,
            description=t("app.maturity-assessment.target"),
        )
        self.target_error = widgets.HTML()
        self.save_error = widgets.HTML()
        self.upload = widgets.FileUpload(
            accept=".json",
            multiple=False,
            description=t("app.maturity-assessment.load"),
            layout=widgets.Layout(width="auto"),
        )
        self.upload_message = widgets.HTML()
        self.questions: dict[str, widgets.RadioButtons] = {}
        sections = []
        for dimension in maturity.dimensions(self.questionnaire):
            rows = self.questionnaire[self.questionnaire["dimension"] == dimension]
            items = [widgets.HTML(f"<h3>{common.esc(maturity.dimension_label(dimension))}</h3>")]
            for record in rows.to_dict("records"):
                question = widgets.RadioButtons(
                    options=[(t("app.maturity-assessment.skip"), NOT_ANSWERED)]
                    + [(f"{k}. {record[f'level_{k}']}", k) for k in maturity.LEVELS],
                    value=NOT_ANSWERED,
                    layout=widgets.Layout(width="auto"),
                )
                question.add_class(f"dgt-q-{record['question_id']}")
                question.observe(self.redraw, names="value")
                self.questions[record["question_id"]] = question
                items.append(
                    widgets.HTML(
                        f"<p class='dgt-question'><b>{common.esc(record['question_id'])}</b> "
                        f"{common.esc(record['question'])}</p>"
                    )
                )
                items.append(question)
            sections.append(widgets.VBox(items))
        self.message = widgets.HTML()
        self.scores = widgets.HTML()
        self.chart = widgets.HTML()
        self.gaps = widgets.HTML()
        self.actions = widgets.HTML()
        self.downloads = widgets.HTML()
        common.name_widgets(
            self,
            "organisation date target target_error save_error upload upload_message message "
            "scores chart gaps actions downloads",
        )
        for control in (self.organisation, self.date, self.target):
            control.observe(self.redraw, names="value")
        self.upload.observe(self.load, names="value")
        self.redraw()

        heading = widgets.HTML
        self.widget = widgets.VBox(
            [
                heading(common.home_link() + header(APP)),
                widgets.HBox([self.organisation, self.date, self.save_error]),
                widgets.HBox([self.upload, self.upload_message]),
                heading(f"<h2>{common.esc(t('app.maturity-assessment.questions_heading'))}</h2>"),
                *sections,
                heading(f"<h2>{common.esc(t('app.maturity-assessment.results_heading'))}</h2>"),
                widgets.HBox([self.target, self.target_error]),
                self.message,
                self.scores,
                self.chart,
                heading(f"<h3>{common.esc(t('app.maturity-assessment.gaps_heading'))}</h3>"),
                self.gaps,
                heading(f"<h3>{common.esc(t('app.maturity-assessment.actions_heading'))}</h3>"),
                self.actions,
                heading(f"<h3>{common.esc(t('app.maturity-assessment.save_heading'))}</h3>"),
                self.downloads,
            ]
        )
        self.widget.add_class("dgt-app")

    def answers(self) -> dict[str, int]:
        """The levels given so far, by question id (unanswered questions left out)."""
        return {q: int(w.value) for q, w in self.questions.items() if w.value != NOT_ANSWERED}

    def _clear_results(self) -> None:
        for item in (self.scores, self.chart, self.gaps, self.actions, self.downloads):
            item.value = ""

    def redraw(self, *_: object) -> None:
        """Recompute scores, gaps, actions and the downloads from the current answers."""
        if self._quiet:
            return
        answers = self.answers()
        self.target_error.value = ""
        self.save_error.value = ""
        if not answers:
            self.message.value = common.message(t("app.maturity-assessment.start"), "info")
            self._clear_results()
            return
        self.message.value = ""
        try:
            scores = maturity.score(answers)
        except UserError as error:
            self.message.value = common.message(str(error))
            self._clear_results()
            return
        self.scores.value = scores_html(scores)
        try:
            _, gap_table, actions = results(answers, self.target.value)
        except UserError as error:
            self.target_error.value = common.field_error(str(error))
            for item in (self.chart, self.gaps, self.actions, self.downloads):
                item.value = ""
            return
        self.chart.value = chart_svg(gap_table)
        self.gaps.value = gaps_html(gap_table)
        self.actions.value = actions_html(actions)
        self._downloads(answers)

    def _downloads(self, answers: dict[str, int]) -> None:
        organisation, date = self.organisation.value.strip(), self.date.value.strip()
        try:
            saved = answers_file(answers, organisation, date)
        except UserError as error:
            self.save_error.value = common.field_error(str(error))
            self.downloads.value = common.message(t("app.maturity-assessment.fill_in"), "info")
            return
        stem = f"maturity-{_slug(organisation)}-{date}"
        report = report_html(answers, self.target.value, organisation, date)
        self.downloads.value = common.download_link(
            saved, f"{stem}.json", "application/json"
        ) + common.download_link(report, f"{stem}-report.html", "text/html")

    def load(self, *_: object) -> None:
        """Fill in the answers, organisation and date from an uploaded answers file."""
        file = common.uploaded(self.upload.value)
        if file is None:
            return
        name, content = file
        self.upload.value = ()  # so the same file can be chosen again later
        try:
            answers, metadata = read_answers_file(name, content)
        except UserError as error:
            self.upload_message.value = common.field_error(str(error))
            return
        self._quiet = True
        try:
            for question_id, widget in self.questions.items():
                widget.value = answers.get(question_id, NOT_ANSWERED)
            self.organisation.value = metadata["organisation"]
            self.date.value = metadata["date"]
        finally:
            self._quiet = False
        self.redraw()
        self.upload_message.value = common.message(
            t("app.maturity-assessment.loaded", name=name, **metadata), "ok"
        )


def assessment():
    """Return the whole maturity self-assessment as one widget."""
    return Assessment().widget
