"""The EGDI explorer app (module B1): pick countries, a measure and a year; see trends, ranks and gaps."""

from __future__ import annotations

import pandas as pd

from course import charts, data, egdi_peers
from course.messages import t
from course.serve.ui import common, header

APP = "egdi-explorer"
DEFAULT_COUNTRIES = ("LAO", "KHM", "MMR", "VNM", "THA")
DEFAULT_YEAR, DEFAULT_MEASURE = 2024, "egdi"
DIGITS = 3


def country_options() -> list[tuple[str, str]]:
    """(label, iso3) pairs for every country, sorted by name."""
    table = data.countries().sort_values("name")
    return list(zip(table["name"], table["iso3"], strict=True))


def asean_table(year: int, measure: str) -> pd.DataFrame:
    """The ASEAN members of that year, best first, as shown on screen and exported (3 decimals)."""
    rows = egdi_peers.peer_table(year, data.asean(as_of=year), measure)
    shown = pd.DataFrame(
        {
            "position": rows["position"],
            "iso3": rows["iso3"],
            "country": rows["country"],
            measure: rows[measure].astype(float).round(DIGITS),
            "rank": rows["rank"],
        }
    )
    return shown


def gap_table(year: int) -> pd.DataFrame:
    """Lao PDR's value, the ASEAN median and the gap per component in one year (3 decimals)."""
    gaps = egdi_peers.component_gaps("LAO", year)
    return gaps.assign(
        **{c: gaps[c].astype(float).round(DIGITS) for c in ("value", "peers", "gap")}
    )


def peer_html(year: int, measure: str) -> str:
    """The ASEAN table of one year as HTML, Lao PDR highlighted."""
    return common.table(
        asean_table(year, measure),
        [
            ("position", t("app.egdi-explorer.position")),
            ("country", t("app.egdi-explorer.country")),
            (measure, t(f"chart.measure.{measure}")),
            ("rank", t("app.egdi-explorer.rank")),
        ],
        formats={
            measure: lambda v: common.number(v, DIGITS),
            "position": lambda v: common.number(v, 0),
        },
        caption=t("app.egdi-explorer.asean_table", year=year),
        css_class="dgt-peer-table",
        row_class=lambda row: "dgt-highlight" if row["iso3"] == "LAO" else "",
    )


def gaps_html(year: int) -> str:
    """Lao PDR's component gaps of one year as an HTML table."""
    rows = gap_table(year)
    rows["component"] = [t(f"chart.measure.{c}") for c in rows["component"]]
    return common.table(
        rows,
        common.headers("app.egdi-explorer", "component value:lao_value peers:asean_median gap"),
        formats={c: lambda v: common.number(v, DIGITS) for c in ("value", "peers", "gap")},
        css_class="dgt-gap-table",
    )


class Explorer:
    """The widgets of the explorer and how they react; `widget` is the whole app."""

    def __init__(self) -> None:
        import ipywidgets as widgets

        self.countries = widgets.SelectMultiple(
            options=country_options(),
            value=DEFAULT_COUNTRIES,
            rows=8,
            description=t("app.egdi-explorer.countries"),
        )
        self.measure = widgets.Dropdown(
            options=[(t(f"chart.measure.{m}"), m) for m in egdi_peers.MEASURES],
            value=DEFAULT_MEASURE,
            description=t("app.egdi-explorer.measure"),
        )
        self.year = widgets.Dropdown(
            options=list(data.EGDI_YEARS),
            value=DEFAULT_YEAR,
            description=t("app.egdi-explorer.year"),
        )
        self.message = widgets.HTML()
        self.trend = widgets.HTML()
        self.peers = widgets.HTML()
        self.gaps = widgets.HTML()
        self.download = widgets.HTML()
        common.name_widgets(self, "countries measure year message trend peers gaps download:export")
        for control in (self.countries, self.measure, self.year):
            control.observe(self.redraw, names="value")
        self.redraw()
        controls = widgets.VBox([self.countries, self.measure, self.year, self.message])
        source = widgets.HTML(f'<p class="dgt-source">{common.esc(t("chart.source_egdi"))}</p>')
        self.widget = widgets.VBox(
            [
                widgets.HTML(common.home_link() + header(APP)),
                widgets.HBox([controls, self.trend]),
                self.peers,
                self.download,
                self.gaps,
                source,
            ]
        )
        self.widget.add_class("dgt-app")

    def redraw(self, *_: object) -> None:
        """Recompute every output from the current choices (drawn once per choice, see `views`)."""
        chosen = tuple(self.countries.value)
        year, measure = int(self.year.value), str(self.measure.value)
        trend, self.peers.value, self.download.value, self.gaps.value = views(chosen, year, measure)
        if chosen:
            self.message.value = ""
            self.trend.value = trend
        else:
            self.message.value = common.message(t("app.egdi-explorer.pick_one"))


def views(chosen: tuple[str, ...], year: int, measure: str) -> tuple[str, str, str, str]:
    """The explorer's trend chart, ASEAN table, CSV link and gaps for these choices (cached).

    The trend is empty when no country is chosen.
    """
    return common.drawn(
        ("egdi-explorer", chosen, year, measure), lambda: draw(chosen, year, measure)
    )


def draw(chosen: tuple[str, ...], year: int, measure: str) -> tuple[str, str, str, str]:
    """Draw what `views` returns (no cache)."""
    trend = ""
    if chosen:
        fig, ax = common.figure(7, 4)
        charts.trend(list(chosen), measure, ax=ax)
        trend = common.svg(fig, ax.get_title())
    peers = peer_html(year, measure)
    csv = asean_table(year, measure).to_csv(index=False)
    download = common.download_link(csv, f"asean-{measure}-{year}.csv", "text/csv")
    fig, ax = common.figure(6, 3.2)
    charts.gaps(egdi_peers.component_gaps("LAO", year), "Lao PDR", ax=ax)
    heading = t("app.egdi-explorer.gaps_heading", year=year)
    gaps = f"<h3>{common.esc(heading)}</h3>" + gaps_html(year) + common.svg(fig, heading)
    return trend, peers, download, gaps


def draw_defaults() -> None:
    """Put the explorer's first view (its default choices) into the drawing cache."""
    views(DEFAULT_COUNTRIES, DEFAULT_YEAR, DEFAULT_MEASURE)


def explorer():
    """Return the whole EGDI explorer as one widget."""
    return Explorer().widget
