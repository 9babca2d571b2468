"""Charts for module B5: skills profile heat map and the share of staff below target.

Labels come from the message catalogue; matplotlib is imported inside each function so
`import course` stays light. Each function returns the Axes; `note` adds a line at the
bottom (e.g. `data.synthetic_label("staff_skills")`).
"""

from __future__ import annotations

import pandas as pd

from course import capacity, charts
from course.messages import t


def profile_heatmap(profile_table: pd.DataFrame, ax=None, note: str | None = None):
    """Heat map of `capacity.profile`: groups in rows, competences in columns, mean level in each cell."""
    import matplotlib.pyplot as plt

    rows, columns = profile_table.shape
    if ax is None:
        _, ax = plt.subplots(figsize=(1.3 * columns + 3, 0.32 * rows + 2.2))
    image = ax.imshow(
        profile_table.to_numpy(dtype=float), cmap="YlGnBu", vmin=0, vmax=4, aspect="auto"
    )
    ax.set_xticks(
        range(columns),
        [capacity.competence_label(c) for c in profile_table.columns],
        rotation=30,
        ha="right",
        fontsize=8,
    )
    ax.set_yticks(range(rows), [str(i) for i in profile_table.index], fontsize=8)
    for r in range(rows):
        for c in range(columns):
            value = float(profile_table.iat[r, c])
            ax.text(
                c,
                r,
                f"{value:.1f}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if value >= 2.5 else "black",
            )
    bar = ax.figure.colorbar(image, ax=ax)
    bar.set_label(t("capacity.chart.mean_level"))
    ax.set_title(t("capacity.chart.profile_title"))
    charts.foot_note(ax, note)
    return ax


def below_target(summary: pd.DataFrame, ax=None, note: str | None = None):
    """Horizontal bars of `capacity.competence_summary`: the share of staff below target."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    ordered = summary.sort_values("share_below")
    labels = [capacity.competence_label(c) for c in ordered["competence"]]
    shares = ordered["share_below"].astype(float) * 100
    ax.barh(labels, shares, color="#d6604d", edgecolor="black", linewidth=0.4)
    for y, share in enumerate(shares):
        ax.annotate(
            f"{share:.0f}%",
            (share, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.set_xlim(0, 110)
    ax.set_xlabel(t("capacity.chart.share_below"))
    ax.set_title(t("capacity.chart.below_title"))
    charts.foot_note(ax, note)
    return ax
