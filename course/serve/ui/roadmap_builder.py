"""The roadmap builder app (module B4): edit initiatives, rank them, schedule them, cost the years, list risks.

Every number comes from `course.roadmap` (validation, ranking, scheduling with
dependencies, budget per year, risk scores) and every chart from `course.roadmap_charts`.
A bad value or a circle of dependencies is refused with its message next to the field;
the table on screen stays as it was, so nothing is lost.
"""

from __future__ import annotations

import datetime

import pandas as pd

from course import data, roadmap, roadmap_charts
from course.errors import UserError
from course.messages import t
from course.serve.ui import common, header

APP = "roadmap-builder"
DATASET, RISKS = "roadmap_initiatives", "roadmap_risks"
FIELDS = ("id", "name", "cost", "duration", "depends_on", "impact", "feasibility", "urgency")
CRITERIA = ("impact", "feasibility", "urgency")
DEFAULT_WEIGHTS = {"impact": 3, "feasibility": 2, "urgency": 1}
DEFAULT_CEILING = "800"
WIDE = {"description_width": "12em"}  # room for the field names


def field_of(error: UserError, row: int) -> str | None:
    """The form field a validation error is about, if it is about row `row` (1-based)."""
    if isinstance(error, roadmap.CycleError):
        return "depends_on"
    text = str(error)
    for column in FIELDS:
        if text.startswith(t("cells.error.at", row=row, column=column, problem="")):
            return column
    return None


def with_row(table: pd.DataFrame, values: dict[str, str], replace: str | None) -> pd.DataFrame:
    """The table with one initiative replaced (id `replace`) or added at the end (not validated)."""
    rows = table.astype(object).to_dict("records")
    row = {**{c: "" for c in table.columns}, **values}
    if replace is not None and replace in set(table["id"]):
        index = list(table["id"]).index(replace)
        rows[index] = {**rows[index], **values}
    else:
        rows.append(row)
    return pd.DataFrame(rows, columns=list(table.columns))


def initiatives_html(table: pd.DataFrame) -> str:
    """The initiative table as on screen (and as exported)."""
    columns = [(c, t(f"app.roadmap-builder.column.{c}")) for c in FIELDS if c in table.columns]
    return common.table(
        table, columns, formats={"cost": lambda v: common.number(v, 0)}, css_class="dgt-initiatives"
    )


def ranking_html(ranked: pd.DataFrame) -> str:
    """The initiatives by weighted score, best first."""
    return common.table(
        ranked,
        common.headers("app.roadmap-builder.column", "rank id name score"),
        formats={"score": lambda v: common.number(v, 2)},
        css_class="dgt-ranking",
    )


def schedule_html(timetable: pd.DataFrame) -> str:
    """The timetable in months, with a word for critical or not next to each row."""
    rows = timetable.assign(
        path=[
            t("roadmap.chart.critical") if c else t("roadmap.chart.not_critical")
            for c in timetable["critical"]
        ]
    )
    return common.table(
        rows,
        common.headers("app.roadmap-builder.column", "id name start finish slack path:critical"),
        css_class="dgt-schedule",
        row_class=lambda r: "dgt-critical" if r["critical"] else "",
    )


def budget_html(budget: pd.DataFrame, ceiling: float | None) -> str:
    """The cost per year, each year marked within or over the ceiling in words."""
    over = set() if ceiling is None else set(roadmap.over_ceiling(budget, ceiling)["year"])
    rows = budget.assign(
        status=[
            t("app.roadmap-builder.over") if y in over else t("app.roadmap-builder.within")
            for y in budget["year"]
        ]
    )
    return common.table(
        rows,
        common.headers("app.roadmap-builder.column", "year cost:year_cost status:ceiling"),
        formats={"cost": lambda v: common.number(v, 1), "year": str},
        css_class="dgt-budget",
    )


def risks_html(register: pd.DataFrame) -> str:
    """The risk register, highest score first; each level is a word on a coloured label."""
    rows = register.assign(
        badge=[
            f'<span class="dgt-status dgt-level-{lvl}">{common.esc(t(f"roadmap.level.{lvl}"))}</span>'
            for lvl in register["level"]
        ]
    )
    columns = [("risk_id", t("app.roadmap-builder.column.risk_id"))] if "risk_id" in rows else []
    columns += [
        ("risk", t("app.roadmap-builder.column.risk")),
        ("likelihood", t("app.roadmap-builder.column.likelihood")),
        ("impact", t("app.roadmap-builder.column.impact")),
        ("score", t("app.roadmap-builder.column.risk_score")),
        ("badge", t("app.roadmap-builder.column.level")),
    ]
    return common.table(rows, columns, raw={"badge"}, css_class="dgt-risks")


class Builder:
    """The widgets of the roadmap builder and how they react; `widget` is the whole app."""

    def __init__(self) -> None:
        import ipywidgets as widgets

        self.table = roadmap.validate(data.synthetic(DATASET))
        self.risks = data.synthetic(RISKS)
        self.source = widgets.HTML(common.synthetic_banner(DATASET))
        self.upload = widgets.FileUpload(
            accept=common.TABLE_FILES,
            multiple=False,
            description=t("app.roadmap-builder.import"),
            layout=widgets.Layout(width="auto"),
        )
        self.upload_message = widgets.HTML()
        self.initiatives = widgets.HTML()
        self.export = widgets.HTML()
        # the editor: one field per column, each with its own message beside it
        self.pick = widgets.Dropdown(
            description=t("app.roadmap-builder.pick"),
            style=WIDE,
            layout=widgets.Layout(width="40em"),
        )
        self.fields: dict[str, widgets.Widget] = {}
        self.errors: dict[str, widgets.HTML] = {}
        rows = []
        for name in FIELDS:
            label = t(f"app.roadmap-builder.column.{name}")
            if name == "depends_on":
                field = widgets.SelectMultiple(description=label, rows=5, style=WIDE)
            else:
                field = widgets.Text(description=label, style=WIDE)
            field.add_class(f"dgt-field-{name}")
            error = widgets.HTML()
            error.add_class(f"dgt-error-{name}")
            self.fields[name], self.errors[name] = field, error
            rows.append(widgets.HBox([field, error]))
        self.save = widgets.Button(description=t("app.roadmap-builder.save"), icon="check")
        self.delete = widgets.Button(description=t("app.roadmap-builder.delete"), icon="trash")
        self.form_message = widgets.HTML()
        # ranking, schedule, budget
        self.weights = {
            c: widgets.IntSlider(
                value=DEFAULT_WEIGHTS[c],
                min=0,
                max=5,
                description=t(f"app.roadmap-builder.column.{c}"),
            )
            for c in CRITERIA
        }
        self.weights_error = widgets.HTML()
        self.ranking = widgets.HTML()
        self.start_year = widgets.BoundedIntText(
            value=default_start_year(),
            min=2000,
            max=2100,
            description=t("app.roadmap-builder.start_year"),
            style=WIDE,
        )
        self.gantt = widgets.HTML()
        self.schedule = widgets.HTML()
        self.ceiling = widgets.Text(
            value=DEFAULT_CEILING,
            description=t("app.roadmap-builder.ceiling"),
            continuous_update=False,
            style=WIDE,
        )
        self.ceiling_error = widgets.HTML()
        self.budget_chart = widgets.HTML()
        self.budget = widgets.HTML()
        # risks
        self.risk_text = widgets.Text(
            description=t("app.roadmap-builder.column.risk"), layout=widgets.Layout(width="30em")
        )
        self.risk_likelihood = widgets.Dropdown(
            options=list(range(1, 6)),
            value=3,
            description=t("app.roadmap-builder.column.likelihood"),
            style={"description_width": "initial"},
            layout=widgets.Layout(width="auto"),
        )
        self.risk_impact = widgets.Dropdown(
            options=list(range(1, 6)),
            value=3,
            description=t("app.roadmap-builder.column.impact"),
            style={"description_width": "initial"},
            layout=widgets.Layout(width="auto"),
        )
        self.add_risk = widgets.Button(description=t("app.roadmap-builder.add_risk"), icon="plus")
        self.risk_error = widgets.HTML()
        self.risk_table = widgets.HTML()
        self.heatmap = widgets.HTML()
        common.name_widgets(
            self,
            "upload upload_message initiatives:initiatives-out export pick save delete "
            "form_message weights_error ranking:ranking-out start_year gantt "
            "schedule:schedule-out ceiling ceiling_error budget_chart budget:budget-out "
            "risk_text add_risk risk_error risk_table:risks-out heatmap",
        )
        for column, weight in self.weights.items():
            weight.add_class(f"dgt-weight-{column}")
        self.upload.observe(self.import_csv, names="value")
        self.pick.observe(self.fill_form, names="value")
        self.save.on_click(self.save_initiative)
        self.delete.on_click(self.delete_initiative)
        for control in (*self.weights.values(), self.start_year, self.ceiling):
            control.observe(self.refresh, names="value")
        self.add_risk.on_click(self.add_risk_row)
        self.refresh()
        self.show_risks()
        self.pick.value = ""
        self.fill_form()

        def heading(key: str, level: int = 2) -> widgets.HTML:
            return widgets.HTML(f"<h{level}>{common.esc(t(key))}</h{level}>")

        self.widget = widgets.VBox(
            [
                widgets.HTML(common.home_link() + header(APP)),
                self.source,
                widgets.HBox([self.upload, self.upload_message]),
                heading("app.roadmap-builder.initiatives_heading"),
                self.initiatives,
                self.export,
                heading("app.roadmap-builder.edit_heading", 3),
                self.pick,
                *rows,
                widgets.HBox([self.save, self.delete]),
                self.form_message,
                heading("app.roadmap-builder.ranking_heading"),
                widgets.HBox([widgets.VBox(list(self.weights.values())), self.weights_error]),
                self.ranking,
                heading("app.roadmap-builder.schedule_heading"),
                self.start_year,
                self.gantt,
                self.schedule,
                heading("app.roadmap-builder.budget_heading"),
                widgets.HBox([self.ceiling, self.ceiling_error]),
                self.budget_chart,
                self.budget,
                heading("app.roadmap-builder.risks_heading"),
                common_banner(RISKS),
                widgets.HBox(
                    [self.risk_text, self.risk_likelihood, self.risk_impact, self.add_risk]
                ),
                self.risk_error,
                self.risk_table,
                self.heatmap,
            ]
        )
        self.widget.add_class("dgt-app")

    # the whole picture ---------------------------------------------------------------------

    def refresh(self, *_: object) -> None:
        """Recompute ranking, timetable, budget and risks from the current table and settings."""
        self.pick.options = [(t("app.roadmap-builder.new"), "")] + [
            (f"{i} – {n}", i) for i, n in zip(self.table["id"], self.table["name"], strict=True)
        ]
        weights = tuple(
            sorted((c, int(w.value)) for c, w in self.weights.items() if c in self.table.columns)
        )
        (
            self.initiatives.value,
            self.export.value,
            self.ranking.value,
            self.weights_error.value,
            self.gantt.value,
            self.schedule.value,
            self.ceiling_error.value,
            self.budget_chart.value,
            self.budget.value,
        ) = plan_views(self.table, weights, int(self.start_year.value), self.ceiling.value)

    def show_risks(self) -> None:
        """Redraw the risk register and its heat map."""
        self.risk_table.value, self.heatmap.value = risk_views(self.risks)

    # the editor ----------------------------------------------------------------------------

    def _clear_errors(self) -> None:
        for error in self.errors.values():
            error.value = ""
        self.form_message.value = ""

    def fill_form(self, *_: object) -> None:
        """Show the picked initiative in the fields (empty fields for a new one)."""
        self._clear_errors()
        chosen = self.pick.value or None
        others = [i for i in self.table["id"] if i != chosen]
        self.fields["depends_on"].options = others
        row = self.table[self.table["id"] == chosen].iloc[0].to_dict() if chosen is not None else {}
        for name, field in self.fields.items():
            if name == "depends_on":
                field.value = tuple(i for i in roadmap.split_ids(row.get(name, "")) if i in others)
            else:
                value = row.get(name, "")
                field.value = "" if pd.isna(value) else str(value)

    def _form_values(self) -> dict[str, str]:
        values = {}
        for name, field in self.fields.items():
            if name == "depends_on":
                values[name] = roadmap.SEPARATOR.join(field.value)
            else:
                values[name] = field.value
        return values

    def _accept(self, candidate: pd.DataFrame, row: int | None, done: str) -> bool:
        """Validate a changed table; keep it and redraw, or show the message where it belongs."""
        self._clear_errors()
        try:
            clean = roadmap.validate(candidate)
        except UserError as error:
            field = field_of(error, row) if row is not None else None
            if field is not None:
                self.errors[field].value = common.field_error(str(error))
            else:
                self.form_message.value = common.message(str(error))
            return False
        self.table = clean
        self.refresh()
        self.form_message.value = common.message(done, "ok")
        return True

    def save_initiative(self, *_: object) -> None:
        """Save the form as a changed or new initiative, if every value is valid."""
        chosen = self.pick.value or None
        candidate = with_row(self.table, self._form_values(), chosen)
        ids = list(self.table["id"])
        row = ids.index(chosen) + 1 if chosen is not None else len(candidate)
        ident = self.fields["id"].value.strip()
        if self._accept(candidate, row, t("app.roadmap-builder.saved", id=ident)):
            message = self.form_message.value
            self.pick.value = ident
            self.form_message.value = message

    def delete_initiative(self, *_: object) -> None:
        """Remove the picked initiative, unless another one still waits for it."""
        chosen = self.pick.value or None
        if chosen is None:
            self.form_message.value = common.message(t("app.roadmap-builder.pick_first"))
            return
        candidate = self.table[self.table["id"] != chosen].reset_index(drop=True)
        if self._accept(candidate, None, t("app.roadmap-builder.deleted", id=chosen)):
            message = self.form_message.value
            self.pick.value = ""
            self.form_message.value = message

    # files and risks -----------------------------------------------------------------------

    def import_csv(self, *_: object) -> None:
        """Replace the initiatives with an uploaded CSV or .xlsx file, if it passes every check."""
        file = common.uploaded(self.upload.value)
        if file is None:
            return
        name, content = file
        self.upload.value = ()
        try:
            table = roadmap.validate(common.read_upload(name, content, "initiatives"))
        except UserError as error:
            self.upload_message.value = common.field_error(
                t("app.roadmap-builder.import_failed", name=name, error=str(error))
            )
            return
        self.table = table
        self.pick.value = ""
        self.refresh()
        self.fill_form()
        self.source.value = common.message(t("app.roadmap-builder.your_file", name=name), "info")
        self.upload_message.value = common.message(t("apps.loaded", name=name), "ok")

    def add_risk_row(self, *_: object) -> None:
        """Add a risk to the register, if it has a description."""
        number = len(self.risks) + 1
        row = {
            "risk_id": f"R{number:02d}",
            "risk": self.risk_text.value,
            "likelihood": self.risk_likelihood.value,
            "impact": self.risk_impact.value,
        }
        candidate = pd.concat([self.risks, pd.DataFrame([row])], ignore_index=True)
        try:
            roadmap.risk_register(candidate)
        except UserError as error:
            self.risk_error.value = common.field_error(str(error))
            return
        self.risk_error.value = ""
        self.risks = candidate
        self.risk_text.value = ""
        self.show_risks()


def plan_views(
    table: pd.DataFrame, weights: tuple[tuple[str, int], ...], year: int, ceiling: str
) -> tuple[str, ...]:
    """The initiatives, CSV link, ranking (or its error), Gantt chart, timetable, ceiling
    error, budget chart and budget table for a table and settings (drawn once, then cached)."""
    key = ("roadmap-builder", common.fingerprint(table), weights, year, ceiling)
    return common.drawn(key, lambda: draw_plan(table, dict(weights), year, ceiling))


def draw_plan(
    table: pd.DataFrame, weights: dict[str, int], year: int, ceiling: str
) -> tuple[str, ...]:
    """Draw what `plan_views` returns (no cache)."""
    initiatives = initiatives_html(table)
    export = common.download_link(roadmap.to_csv(table), "initiatives.csv", "text/csv")
    try:
        ranking, weights_error = ranking_html(roadmap.rank(table, weights)), ""
    except UserError as error:
        ranking, weights_error = "", common.field_error(str(error))
    timetable = roadmap.schedule(table)
    fig, ax = common.figure(10, 0.35 * len(timetable) + 1.8, constrained=False)
    roadmap_charts.gantt(timetable, year, ax=ax)
    gantt = common.svg(fig, t("roadmap.chart.gantt_title"))
    schedule = schedule_html(timetable)
    budget = roadmap.budget_by_year(timetable, table, year)
    limit: float | None = None
    ceiling_error = ""
    if ceiling.strip():
        try:
            roadmap.over_ceiling(budget, ceiling.strip())
            limit = float(ceiling)
        except (UserError, ValueError) as error:
            ceiling_error = common.field_error(str(error))
    fig, ax = common.figure(6, 3.5, constrained=False)
    roadmap_charts.budget(budget, limit, ax=ax)
    budget_chart = common.svg(fig, t("roadmap.chart.budget_title"))
    return (
        initiatives,
        export,
        ranking,
        weights_error,
        gantt,
        schedule,
        ceiling_error,
        budget_chart,
        budget_html(budget, limit),
    )


def risk_views(risks: pd.DataFrame) -> tuple[str, str]:
    """The risk register and its heat map for a risk table (drawn once, then cached)."""

    def draw() -> tuple[str, str]:
        register = roadmap.risk_register(risks)
        fig, ax = common.figure(6, 5, constrained=False)
        roadmap_charts.risk_heatmap(risks, ax=ax)
        return risks_html(register), common.svg(fig, t("roadmap.chart.heatmap_title"))

    return common.drawn(("roadmap-risks", common.fingerprint(risks)), draw)


def draw_defaults() -> None:
    """Put the builder's first view (the shipped SYNTHETIC tables, default settings) into the drawing cache."""
    table = roadmap.validate(data.synthetic(DATASET))
    weights = tuple(sorted((c, w) for c, w in DEFAULT_WEIGHTS.items() if c in table.columns))
    plan_views(table, weights, default_start_year(), DEFAULT_CEILING)
    risk_views(data.synthetic(RISKS))


def default_start_year() -> int:
    """The first year of the plan a builder opens with: next year."""
    return datetime.date.today().year + 1


def common_banner(name: str):
    """The SYNTHETIC label of a shipped dataset, as a widget."""
    import ipywidgets as widgets

    return widgets.HTML(common.synthetic_banner(name))


def builder():
    """Return the whole roadmap builder as one widget."""
    return Builder().widget
