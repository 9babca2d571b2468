"""Charts for survey shares with confidence intervals (modules B6 and B7).

Matplotlib is imported inside each function, so `import course` stays light. Every
label comes from the message catalogue or from the caller.
"""

from __future__ import annotations

import pandas as pd

from course import charts
from course.errors import UserError
from course.messages import t


def interval_chart(
    table: pd.DataFrame,
    group: str,
    title: str,
    label: str | None = None,
    ax=None,
):
    """Dot-and-whisker chart of shares (from `survey.breakdown`): the share and its interval per group.

    `group` is the column that names the groups, `title` the chart title, and `label`
    a line shown at the foot (e.g. the SYNTHETIC label). The number of answers is
    written next to each group, because a short whisker needs many answers. Returns the Axes.
    """
    import matplotlib.pyplot as plt

    needed = {group, "n", "share", "low", "high"}
    if not isinstance(table, pd.DataFrame) or not needed <= set(table.columns):
        raise UserError(t("survey.error.not_a_breakdown", needed=", ".join(sorted(needed))))
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.42 * len(table) + 1.3))
    rows = table.reset_index(drop=True).iloc[::-1]
    positions = list(range(len(rows)))
    share = rows["share"].astype(float) * 100
    low = share - rows["low"].astype(float) * 100
    high = rows["high"].astype(float) * 100 - share
    ax.errorbar(
        share, positions, xerr=[low, high], fmt="o", color="#2166ac", ecolor="#555", capsize=3
    )
    names = [
        t("survey.chart.group_n", group=g, n=int(n))
        for g, n in zip(rows[group], rows["n"], strict=True)
    ]
    ax.set_yticks(positions, names)
    ax.set_xlim(0, 100)
    ax.set_xlabel(t("survey.chart.share_axis"))
    ax.set_title(title, fontsize=11)
    ax.grid(axis="x", alpha=0.3)
    charts.foot_note(ax, label, charts.SYNTHETIC)
    return ax
