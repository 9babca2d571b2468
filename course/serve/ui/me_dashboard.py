"""The M&E dashboard app (module B7): indicator progress and status, trends, and citizen feedback by group.

Numbers come from `course.indicators` (progress, milestones, status), `course.survey`
(shares with confidence intervals) and `course.reporting` (the one-page report); charts
from `course.indicator_charts` and `course.survey_charts`. The dashboard opens on the
shipped SYNTHETIC data; a person can load their own indicator and tracking CSV files,
which are checked against the schemas in docs/schemas.md. Every status colour comes
with its word.
"""

from __future__ import annotations

import pandas as pd

from course import data, indicator_charts, indicators, reporting, survey, survey_charts
from course.errors import UserError
from course.messages import has, t
from course.serve.ui import common, header

APP = "me-dashboard"
INDICATORS, ACTUALS, FEEDBACK = "me_indicators", "me_actuals", "citizen_feedback"
GROUPS = ("service", "province", "area", "sex", "age_group", "ethnic_group")
OUTCOMES = ("satisfaction", "waiting_time", "staff_helpful", "clear_information")
LEVELS = (0.90, 0.95, 0.99)
DEFAULT_BREAKDOWN = ("service", "satisfaction", 0.95)  # group, outcome, confidence level


def value_label(value: object) -> str:
    """The display name of a survey code such as "civil_registration" (the code if it has none)."""
    key = f"app.me-dashboard.value.{value}"
    return t(key) if has(key) else str(value)


def labelled(table: pd.DataFrame, group: str) -> pd.DataFrame:
    """A breakdown with its group codes replaced by their display names."""
    return table.assign(**{group: [value_label(v) for v in table[group]]})


def status_badge(code: str) -> str:
    """A status as a coloured label that carries its word (never colour alone)."""
    return (
        f'<span class="dgt-status dgt-status-{common.esc(code)}">'
        f"{common.esc(indicators.status_label(code))}</span>"
    )


def progress_table(tracked: pd.DataFrame) -> pd.DataFrame:
    """The indicator table as shown and exported: values rounded as on screen, status in words."""
    return pd.DataFrame(
        {
            "indicator_id": tracked["indicator_id"],
            "name": tracked["name"],
            "unit": tracked["unit"],
            "baseline": tracked["baseline"].astype(float).round(1),
            "baseline_year": tracked["baseline_year"],
            "target": tracked["target"].astype(float).round(1),
            "target_year": tracked["target_year"],
            "year": tracked["year"],
            "actual": tracked["actual"].round(1),
            "milestone": tracked["expected"].round(1),
            "progress_percent": (tracked["progress"] * 100).round(0),
            "status": [indicators.status_label(s) for s in tracked["status"]],
        }
    )


def progress_html(tracked: pd.DataFrame) -> str:
    """The progress of every indicator, with its status label."""
    shown = progress_table(tracked)
    shown["status"] = [status_badge(s) for s in tracked["status"]]
    return common.table(
        shown,
        common.headers(
            "app.me-dashboard.column",
            "indicator_id:id name unit baseline baseline_year target target_year"
            " year actual milestone progress_percent:progress status",
        ),
        formats={
            **{
                c: lambda v: common.number(v, 1)
                for c in ("baseline", "target", "actual", "milestone")
            },
            "progress_percent": lambda v: common.number(v, 0),
            "baseline_year": common.whole,
            "target_year": common.whole,
            "year": common.whole,
        },
        raw={"status"},
        css_class="dgt-progress",
    )


def summary_html(tracked: pd.DataFrame) -> str:
    """How many indicators have each status, each with its word."""
    counts = indicators.status_counts(tracked)
    items = "".join(
        f'<li data-status="{common.esc(code)}">{status_badge(code)} {count}</li>'
        for code, count in counts.items()
    )
    return f'<ul class="dgt-summary">{items}</ul>'


def breakdown_html(table: pd.DataFrame, group: str) -> str:
    """Shares by group with their confidence interval, as on screen and exported."""
    shown = table.assign(
        share_percent=(table["share"] * 100).round(1),
        low_percent=(table["low"] * 100).round(1),
        high_percent=(table["high"] * 100).round(1),
    )
    return common.table(
        shown,
        [
            (group, t(f"app.me-dashboard.group.{group}")),
            ("n", t("app.me-dashboard.column.n")),
            ("share_percent", t("app.me-dashboard.column.share")),
            ("low_percent", t("app.me-dashboard.column.low")),
            ("high_percent", t("app.me-dashboard.column.high")),
        ],
        formats={
            c: lambda v: common.number(v, 1)
            for c in ("share_percent", "low_percent", "high_percent")
        },
        css_class="dgt-breakdown",
    )


class Dashboard:
    """The widgets of the M&E dashboard and how they react; `widget` is the whole app."""

    def __init__(self) -> None:
        import ipywidgets as widgets

        self.feedback = data.synthetic(FEEDBACK)
        self.indicators, self.actuals = example_tables()
        self.pending: pd.DataFrame | None = None  # uploaded indicators waiting for their actuals
        self.synthetic = True
        wide = {"description_width": "10em"}
        self.source = widgets.HTML()
        self.upload_indicators = widgets.FileUpload(
            accept=common.TABLE_FILES,
            description=t("app.me-dashboard.load_indicators"),
            layout=widgets.Layout(width="auto"),
        )
        self.upload_actuals = widgets.FileUpload(
            accept=common.TABLE_FILES,
            description=t("app.me-dashboard.load_actuals"),
            layout=widgets.Layout(width="auto"),
        )
        self.indicators_message = widgets.HTML()
        self.actuals_message = widgets.HTML()
        self.example = widgets.Button(
            description=t("app.me-dashboard.use_example"),
            icon="undo",
            layout=widgets.Layout(width="auto"),
        )
        self.as_of = widgets.Dropdown(description=t("app.me-dashboard.as_of"), style=wide)
        self.summary = widgets.HTML()
        self.progress = widgets.HTML()
        self.progress_chart = widgets.HTML()
        self.downloads = widgets.HTML()
        self.pick = widgets.Dropdown(
            description=t("app.me-dashboard.indicator"),
            style=wide,
            layout=widgets.Layout(width="50em"),
        )
        self.trend = widgets.HTML()
        self.group = widgets.Dropdown(
            options=[(t(f"app.me-dashboard.group.{g}"), g) for g in GROUPS],
            value=DEFAULT_BREAKDOWN[0],
            description=t("app.me-dashboard.by"),
            style=wide,
        )
        self.outcome = widgets.Dropdown(
            options=[(t(f"app.me-dashboard.outcome.{o}"), o) for o in OUTCOMES],
            value=DEFAULT_BREAKDOWN[1],
            description=t("app.me-dashboard.outcome_label"),
            style=wide,
        )
        self.level = widgets.Dropdown(
            options=[(f"{lv:.0%}", lv) for lv in LEVELS],
            value=DEFAULT_BREAKDOWN[2],
            description=t("app.me-dashboard.level"),
            style=wide,
        )
        self.breakdown = widgets.HTML()
        self.breakdown_chart = widgets.HTML()
        self.survey_downloads = widgets.HTML()
        common.name_widgets(
            self,
            "source upload_indicators upload_actuals indicators_message actuals_message example "
            "as_of summary:summary-out progress:progress-out progress_chart downloads pick "
            "trend group outcome level breakdown:breakdown-out breakdown_chart survey_downloads",
        )
        self.upload_indicators.observe(self.load_indicators, names="value")
        self.upload_actuals.observe(self.load_actuals, names="value")
        self.example.on_click(self.use_example)
        self.as_of.observe(self.show_progress, names="value")
        self.pick.observe(self.show_trend, names="value")
        for control in (self.group, self.outcome, self.level):
            control.observe(self.show_breakdown, names="value")
        self.use_example()
        self.show_breakdown()

        def heading(key: str, level: int = 2) -> widgets.HTML:
            return widgets.HTML(f"<h{level}>{common.esc(t(key))}</h{level}>")

        self.widget = widgets.VBox(
            [
                widgets.HTML(common.home_link() + header(APP)),
                self.source,
                widgets.HBox([self.upload_indicators, self.indicators_message]),
                widgets.HBox([self.upload_actuals, self.actuals_message]),
                widgets.HBox([self.example]),
                widgets.HTML(
                    f'<p class="dgt-source">{common.esc(t("app.me-dashboard.schema_note"))}</p>'
                ),
                heading("app.me-dashboard.progress_heading"),
                self.as_of,
                self.summary,
                self.progress,
                self.progress_chart,
                self.downloads,
                heading("app.me-dashboard.trend_heading"),
                self.pick,
                self.trend,
                heading("app.me-dashboard.survey_heading"),
                widgets.HTML(common.synthetic_banner(FEEDBACK)),
                widgets.HBox([self.group, self.outcome, self.level]),
                self.breakdown,
                self.breakdown_chart,
                self.survey_downloads,
            ]
        )
        self.widget.add_class("dgt-app")

    # indicator data ------------------------------------------------------------------------

    def _label(self) -> str | None:
        return data.synthetic_label(ACTUALS) if self.synthetic else None

    def use_example(self, *_: object) -> None:
        """Go back to the shipped SYNTHETIC indicators and tracking table."""
        self.indicators, self.actuals = example_tables()
        self.pending, self.synthetic = None, True
        self.source.value = common.synthetic_banner(INDICATORS) + common.synthetic_banner(ACTUALS)
        self.indicators_message.value = self.actuals_message.value = ""
        self.refresh()

    def _read(self, upload, reader, message, sheet, *args) -> tuple[str, pd.DataFrame] | None:
        """Check an uploaded CSV or .xlsx table with `reader`; show its error next to the button.

        From a workbook the sheet named `sheet` is read ("indicators", "actuals"), else
        the first sheet.
        """
        file = common.uploaded(upload.value)
        if file is None:
            return None
        name, content = file
        upload.value = ()  # the same file can be chosen again after a fix
        try:
            table = reader(common.read_upload(name, content, sheet), *args)
        except UserError as error:
            message.value = common.field_error(
                t("app.me-dashboard.not_loaded", name=name, error=str(error))
            )
            return None
        return name, table

    def load_indicators(self, *_: object) -> None:
        """Use an uploaded indicator table (with the tracking table that matches it)."""
        read = self._read(
            self.upload_indicators,
            indicators.validate_indicators,
            self.indicators_message,
            "indicators",
        )
        if read is None:
            return
        name, table = read
        try:
            indicators.track(table, self.actuals)
        except UserError:
            self.pending = table
            self.indicators_message.value = common.message(
                t("app.me-dashboard.now_actuals", name=name), "info"
            )
            return
        self.indicators, self.pending, self.synthetic = table, None, False
        self.refresh()
        self.source.value = common.message(t("app.me-dashboard.your_data"), "info")
        self.indicators_message.value = common.message(t("apps.loaded", name=name), "ok")

    def load_actuals(self, *_: object) -> None:
        """Use an uploaded tracking table, checked against the indicators it belongs to."""
        table = self.pending if self.pending is not None else self.indicators
        read = self._read(
            self.upload_actuals, indicators.validate_actuals, self.actuals_message, "actuals", table
        )
        if read is None:
            return
        name, actuals = read
        self.indicators, self.actuals, self.pending, self.synthetic = table, actuals, None, False
        self.refresh()
        if "dgt-info" in self.indicators_message.value:
            self.indicators_message.value = ""
        self.source.value = common.message(t("app.me-dashboard.your_data"), "info")
        self.actuals_message.value = common.message(t("apps.loaded", name=name), "ok")

    def refresh(self) -> None:
        """Offer the years and indicators of the current data, then redraw everything."""
        years = sorted(int(y) for y in self.actuals["year"].unique())
        self.as_of.unobserve(self.show_progress, names="value")
        self.as_of.options = [str(y) for y in years] or ["—"]
        self.as_of.value = self.as_of.options[-1]
        self.as_of.observe(self.show_progress, names="value")
        self.pick.unobserve(self.show_trend, names="value")
        self.pick.options = [
            (f"{i} – {n}", i)
            for i, n in zip(self.indicators["indicator_id"], self.indicators["name"], strict=True)
        ]
        self.pick.value = self.pick.options[0][1]
        self.pick.observe(self.show_trend, names="value")
        self.show_progress()
        self.show_trend()

    def tracked(self) -> pd.DataFrame:
        """The indicators tracked up to the chosen year."""
        return tracked_rows(self.indicators, self.actuals, str(self.as_of.value))

    def show_progress(self, *_: object) -> None:
        """Redraw the status summary, the progress table and chart, and the downloads."""
        self.summary.value, self.progress.value, self.progress_chart.value, self.downloads.value = (
            progress_views(self.indicators, self.actuals, str(self.as_of.value), self._label())
        )

    def show_trend(self, *_: object) -> None:
        """Draw the milestone path and the reported values of the chosen indicator."""
        if not self.pick.value:
            self.trend.value = ""
            return
        self.trend.value = trend_view(
            self.indicators, self.actuals, str(self.pick.value), self._label()
        )

    def show_breakdown(self, *_: object) -> None:
        """Redraw the survey shares by group with their confidence intervals."""
        self.breakdown.value, self.breakdown_chart.value, self.survey_downloads.value = (
            breakdown_views(self.feedback, self.group.value, self.outcome.value, self.level.value)
        )


def tracked_rows(
    indicator_table: pd.DataFrame, actuals: pd.DataFrame, as_of_text: str
) -> pd.DataFrame:
    """The indicators tracked up to the chosen year (all years when none is chosen)."""
    as_of = int(as_of_text) if as_of_text.isdigit() else None
    return indicators.track(indicator_table, actuals, as_of)


def progress_views(
    indicator_table: pd.DataFrame, actuals: pd.DataFrame, as_of_text: str, label: str | None
) -> tuple[str, str, str, str]:
    """The status summary, progress table, progress chart and downloads (drawn once, then cached)."""

    def draw() -> tuple[str, str, str, str]:
        rows = tracked_rows(indicator_table, actuals, as_of_text)
        fig, ax = common.figure(7.5, 0.45 * len(rows) + 1.2, constrained=False)
        indicator_charts.progress_chart(rows, label, ax=ax)
        chart = common.svg(fig, t("indicators.chart.progress_title"))
        as_of = int(as_of_text) if as_of_text.isdigit() else 0
        report = reporting.indicator_report_html(
            rows,
            title=t("app.me-dashboard.report_title"),
            organisation=t("app.me-dashboard.organisation"),
            as_of=as_of,
            source=t("app.me-dashboard.report_source"),
            synthetic_label=label,
        )
        csv = progress_table(rows).to_csv(index=False)
        downloads = common.download_link(
            csv, f"indicator-progress-{as_of}.csv", "text/csv"
        ) + common.download_link(report, f"indicator-report-{as_of}.html", "text/html")
        return summary_html(rows), progress_html(rows), chart, downloads

    key = ("me-progress", common.fingerprint(indicator_table, actuals), as_of_text, label)
    return common.drawn(key, draw)


def trend_view(
    indicator_table: pd.DataFrame, actuals: pd.DataFrame, indicator: str, label: str | None
) -> str:
    """The milestone chart of one indicator (drawn once, then cached)."""

    def draw() -> str:
        fig, ax = common.figure(7, 3.8, constrained=False)
        indicator_charts.milestone_chart(indicator_table, actuals, indicator, label, ax=ax)
        return common.svg(fig, indicator)

    key = ("me-trend", common.fingerprint(indicator_table, actuals), indicator, label)
    return common.drawn(key, draw)


def breakdown_views(
    feedback: pd.DataFrame, group: str, outcome: str, level: float
) -> tuple[str, str, str]:
    """The survey shares by group: table, chart with intervals, CSV link (drawn once, then cached)."""

    def draw() -> tuple[str, str, str]:
        table = labelled(survey.breakdown(feedback, group, outcome, level=float(level)), group)
        title = t(
            "app.me-dashboard.breakdown_title",
            outcome=t(f"app.me-dashboard.outcome.{outcome}"),
            group=t(f"app.me-dashboard.group.{group}"),
        )
        fig, ax = common.figure(7, 0.42 * len(table) + 1.3, constrained=False)
        survey_charts.interval_chart(table, group, title, data.synthetic_label(FEEDBACK), ax=ax)
        downloads = common.download_link(
            table.to_csv(index=False), f"feedback-{outcome}-by-{group}.csv", "text/csv"
        )
        return breakdown_html(table, group), common.svg(fig, title), downloads

    key = ("me-breakdown", common.fingerprint(feedback), group, outcome, float(level))
    return common.drawn(key, draw)


def draw_defaults() -> None:
    """Put the dashboard's first view (the shipped SYNTHETIC data, default choices) into the drawing cache."""
    indicator_table, actuals = example_tables()
    label = data.synthetic_label(ACTUALS)
    years = sorted(int(y) for y in actuals["year"].unique())
    progress_views(indicator_table, actuals, str(years[-1]) if years else "—", label)
    trend_view(indicator_table, actuals, str(indicator_table["indicator_id"].iloc[0]), label)
    breakdown_views(data.synthetic(FEEDBACK), *DEFAULT_BREAKDOWN)


def example_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The shipped SYNTHETIC indicators and tracking table, checked."""
    indicator_table = indicators.validate_indicators(data.synthetic(INDICATORS))
    return indicator_table, indicators.validate_actuals(data.synthetic(ACTUALS), indicator_table)


def dashboard():
    """Return the whole M&E dashboard as one widget."""
    return Dashboard().widget
