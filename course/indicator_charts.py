"""Charts for indicator tracking (module B7): the milestone path and progress by indicator.

Matplotlib is imported inside each function, so `import course` stays light. Every
label comes from the message catalogue; colours always come with a word label.
"""

from __future__ import annotations

import pandas as pd

from course import charts, indicators
from course.errors import UserError
from course.messages import t
from course.reporting import STATUS_COLOURS


def milestone_chart(
    indicator_table: pd.DataFrame,
    actuals: pd.DataFrame,
    indicator_id: str,
    label: str | None = None,
    ax=None,
):
    """Line chart of one indicator: the milestone path (dashed), the reported values and the status.

    `label` is a line shown at the foot, e.g. `data.synthetic_label("me_actuals")`.
    Returns the Axes.
    """
    import matplotlib.pyplot as plt

    table = indicators.validate_indicators(indicator_table)
    if indicator_id not in set(table["indicator_id"]):
        raise UserError(t("indicators.error.unknown_indicator", id=indicator_id))
    row = table.set_index("indicator_id").loc[indicator_id]
    reports = indicators.validate_actuals(actuals, table)
    mine = reports[reports["indicator_id"] == indicator_id].dropna(subset=["actual"])
    path = indicators.milestones(table[table["indicator_id"] == indicator_id])
    tracked = indicators.track(
        table[table["indicator_id"] == indicator_id],
        reports[reports["indicator_id"] == indicator_id],
    )
    code = tracked["status"].iloc[0]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.8))
    ax.plot(
        path["year"],
        path["milestone"],
        linestyle="--",
        color="#555",
        label=t("indicators.chart.milestones"),
    )
    years = [row["baseline_year"], *mine["year"]]
    values = [row["baseline"], *mine["actual"]]
    ax.plot(
        years,
        values,
        marker="o",
        linewidth=2.5,
        color=STATUS_COLOURS[code],
        label=t("indicators.chart.actual"),
    )
    ax.scatter(
        [row["target_year"]],
        [row["target"]],
        marker="*",
        s=160,
        color="#2166ac",
        zorder=3,
        label=t("indicators.chart.target"),
    )
    ax.set_xlabel(t("indicators.chart.year"))
    ax.set_ylabel(str(row["unit"]))
    ax.set_xticks(range(int(row["baseline_year"]), int(row["target_year"]) + 1))
    ax.set_title(
        t("indicators.chart.title", id=indicator_id, status=indicators.status_label(code)),
        fontsize=11,
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    charts.foot_note(ax, label, charts.SYNTHETIC)
    return ax


def progress_chart(tracked: pd.DataFrame, label: str | None = None, ax=None):
    """Horizontal bars of progress per indicator (from `indicators.track`), with the milestone due.

    Each bar is coloured by status and labelled with the status in words. Returns the Axes.
    """
    import matplotlib.pyplot as plt

    if not isinstance(tracked, pd.DataFrame) or not {
        "indicator_id",
        "progress",
        "expected_progress",
        "status",
    } <= set(tracked.columns):
        raise UserError(
            t("indicators.report.error.not_tracked", missing="progress, expected_progress, status")
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 0.45 * len(tracked) + 1.2))
    rows = tracked.iloc[::-1]
    positions = range(len(rows))
    shown = [0.0 if pd.isna(p) else max(min(float(p), 1.2), -0.2) for p in rows["progress"]]
    ax.barh(list(positions), shown, color=[STATUS_COLOURS[s] for s in rows["status"]])
    for y, (due, code) in enumerate(zip(rows["expected_progress"], rows["status"], strict=True)):
        if not pd.isna(due):
            ax.plot([due, due], [y - 0.4, y + 0.4], color="black", linewidth=2)
        ax.text(1.25, y, indicators.status_label(code), va="center", fontsize=8)
    ax.set_yticks(list(positions), list(rows["indicator_id"]))
    ax.set_xlim(-0.2, 1.6)
    ticks = [0, 0.25, 0.5, 0.75, 1.0]
    ax.set_xticks(ticks, [f"{tick:.0%}" for tick in ticks])
    ax.axvline(0, color="#999", linewidth=0.8)
    ax.axvline(1, color="#2166ac", linewidth=0.8, linestyle=":")
    ax.set_xlabel(t("indicators.chart.progress_axis"))
    ax.set_title(t("indicators.chart.progress_title"), fontsize=11)
    charts.foot_note(ax, label, charts.SYNTHETIC)
    return ax
