"""Charts used by lessons and apps; every label comes from the message catalogue.

Matplotlib is imported inside each function, so `import course` stays light.
"""

from __future__ import annotations

import pandas as pd

from course import data, egdi_peers
from course.messages import t


def trend(countries: list[str], measure: str = "egdi", table: pd.DataFrame | None = None, ax=None):
    """Line chart of a measure over the survey years for several countries; returns the Axes."""
    import matplotlib.pyplot as plt

    table = data.egdi() if table is None else table
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    names = data.countries().set_index("iso3")["name"]
    for iso3 in countries:
        points = egdi_peers.series(iso3, measure, table)
        bold = iso3 == "LAO"
        ax.plot(
            points.index,
            points.values,
            marker="o",
            linewidth=3 if bold else 1.2,
            label=names.get(iso3, iso3),
            zorder=3 if bold else 2,
        )
    ax.set_xlabel(t("chart.year"))
    ax.set_xticks(list(data.EGDI_YEARS))
    ax.set_ylabel(t(f"chart.short.{measure}"))
    ax.set_ylim(0, 1)
    ax.set_title(t("chart.trend_title", measure=t(f"chart.measure.{measure}")))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    foot_note(ax, t("chart.source_egdi"))
    return ax


#: The colours of a foot note: grey for a source, red where the data are synthetic.
SOURCE, SYNTHETIC = "#555", "#b2182b"


def foot_note(ax, text: str | None, colour: str = SOURCE) -> None:
    """Write `text` (a source, or that the data are synthetic) at the foot of the figure.

    The one way a chart says where its data come from: the figure is laid out with room
    kept for the line, or, with no text, laid out as it is.
    """
    figure = ax.figure
    if not text:
        figure.tight_layout()
        return
    figure.text(0.01, 0.01, text, fontsize=7, color=colour, wrap=True)
    figure.tight_layout(rect=(0, 0.05, 1, 1))


def synthetic_note(ax, name: str) -> None:
    """Say under the chart's axes that its data set `name` is synthetic.

    Unlike `foot_note` the line goes with the axes, not the figure, for an Axes that
    may share its figure with others.
    """
    ax.annotate(
        data.synthetic_label(name),
        xy=(0, 0),
        xycoords="axes fraction",
        xytext=(0, -40),
        textcoords="offset points",
        va="top",
        fontsize=7,
        color="#b35806",
    )


def gaps(gap_table: pd.DataFrame, country: str, ax=None):
    """Bar chart of component gaps (from `egdi_peers.component_gaps`); returns the Axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    labels = [t(f"chart.short.{c}") for c in gap_table["component"]]
    ax.barh(
        labels,
        gap_table["gap"],
        color=["#b35806" if g < 0 else "#1b7837" for g in gap_table["gap"]],
    )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(t("chart.gap_axis"))
    ax.set_title(t("chart.gap_title", country=country))
    foot_note(ax, t("chart.source_egdi"))
    return ax
