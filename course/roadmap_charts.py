"""Charts for module B4: the roadmap Gantt chart, the cost per year and the risk heat map.

Every label comes from the message catalogue; initiative and risk names come from the
tables themselves. Matplotlib is imported inside each function, so `import course`
stays light. Each function returns the matplotlib Axes; `note` adds a line at the
bottom (e.g. `data.synthetic_label(...)`).
"""

from __future__ import annotations

import pandas as pd

from course import charts, roadmap
from course.messages import t

CRITICAL, SLACK = "#b2182b", "#4393c3"
WITHIN, OVER = "#4393c3", "#d6604d"
LEVEL_COLOURS = {"low": "#a6d96a", "medium": "#fee08b", "high": "#f46d43"}


def gantt(
    schedule_table: pd.DataFrame,
    start_year: int | None = None,
    ax=None,
    note: str | None = None,
    label_width: int = 44,
):
    """Draw the timetable from `roadmap.schedule` as a Gantt chart, critical bars in red.

    Each bar reads "<id> <name>"; with `start_year` the axis shows years (month 0 =
    January of `start_year`), otherwise months from the start of the plan.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    frame = schedule_table.reset_index(drop=True)
    rows = len(frame)
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 0.35 * rows + 1.8))
    labels = []
    for position, row in frame.iterrows():
        critical = bool(row["critical"])
        ax.barh(
            position,
            row["finish"] - row["start"],
            left=row["start"],
            color=CRITICAL if critical else SLACK,
            edgecolor="black",
            linewidth=0.4,
        )
        name = f"{row['id']} {row['name']}"
        labels.append(name if len(name) <= label_width else name[: label_width - 1] + "…")
    ax.set_yticks(range(rows), labels, fontsize=8)
    ax.invert_yaxis()
    end = int(frame["finish"].max())
    if start_year is None:
        ax.set_xlabel(t("roadmap.chart.month"))
    else:
        ticks = list(range(0, end + 12, 12))
        ax.set_xticks(ticks, [str(start_year + m // 12) for m in ticks])
        for tick in ticks:
            ax.axvline(tick, color="#999", linewidth=0.6, linestyle=":")
        ax.set_xlabel(t("roadmap.chart.year_axis"))
    ax.set_xlim(0, max(end, 1))
    ax.set_title(t("roadmap.chart.gantt_title"))
    ax.legend(
        handles=[
            Patch(color=CRITICAL, label=t("roadmap.chart.critical")),
            Patch(color=SLACK, label=t("roadmap.chart.not_critical")),
        ],
        loc="upper right",
        fontsize=8,
    )
    ax.grid(axis="x", alpha=0.3)
    charts.foot_note(ax, note)
    return ax


def budget(
    budget_table: pd.DataFrame, ceiling: float | None = None, ax=None, note: str | None = None
):
    """Bar chart of `roadmap.budget_by_year`, with the ceiling as a dashed line; bars above it in red."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    years = [str(y) for y in budget_table["year"]]
    costs = budget_table["cost"].astype(float)
    over = costs > ceiling if ceiling is not None else costs < 0
    ax.bar(
        years, costs, color=[OVER if o else WITHIN for o in over], edgecolor="black", linewidth=0.4
    )
    for x, cost in zip(years, costs, strict=True):
        ax.annotate(f"{cost:,.0f}", (x, cost), ha="center", va="bottom", fontsize=8)
    handles = [Patch(color=WITHIN, label=t("roadmap.chart.within"))]
    if ceiling is not None:
        ax.axhline(ceiling, color="black", linestyle="--", linewidth=1)
        handles = [
            *handles,
            Patch(color=OVER, label=t("roadmap.chart.over")),
            Line2D(
                [0],
                [0],
                color="black",
                linestyle="--",
                label=t("roadmap.chart.ceiling", ceiling=ceiling),
            ),
        ]
    ax.set_xlabel(t("roadmap.chart.year_axis"))
    ax.set_ylabel(t("roadmap.chart.budget_axis"))
    ax.set_title(t("roadmap.chart.budget_title"))
    ax.legend(handles=handles, fontsize=8, loc="upper right")
    ax.set_ylim(0, max(float(costs.max()), ceiling or 0) * 1.25)
    charts.foot_note(ax, note)
    return ax


def risk_heatmap(risks: pd.DataFrame, ax=None, note: str | None = None, label: str = "risk_id"):
    """Draw the 5 x 5 likelihood x impact grid, coloured by level, with the risks in each cell.

    Cells show the values of column `label` (default `risk_id`; the risk count if the
    column is missing). Each colour also has its level written in the legend.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch, Rectangle

    register = roadmap.risk_register(risks)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5))
    for likelihood in range(1, 6):
        for impact in range(1, 6):
            level = roadmap.risk_level(likelihood * impact)
            ax.add_patch(
                Rectangle(
                    (impact - 0.5, likelihood - 0.5), 1, 1, color=LEVEL_COLOURS[level], ec="white"
                )
            )
            here = register[(register["likelihood"] == likelihood) & (register["impact"] == impact)]
            if len(here):
                text = "\n".join(map(str, here[label])) if label in here else str(len(here))
                ax.text(impact, likelihood, text, ha="center", va="center", fontsize=8)
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 6))
    ax.set_xlabel(t("roadmap.chart.impact"))
    ax.set_ylabel(t("roadmap.chart.likelihood"))
    ax.set_title(t("roadmap.chart.heatmap_title"))
    ax.set_aspect("equal")
    ax.legend(
        handles=[
            Patch(color=c, label=t(f"roadmap.level.{lvl}")) for lvl, c in LEVEL_COLOURS.items()
        ],
        loc="upper left",
        bbox_to_anchor=(1.02, 1),
        fontsize=8,
    )
    charts.foot_note(ax, note)
    return ax
