"""The EGDI explorer app (module B1): pick countries, a component and a year; see trends, ranks and gaps."""

from __future__ import annotations

import html

from course import benchmark, charts, data
from course.messages import t


def country_options() -> list[tuple[str, str]]:
    """(label, iso3) pairs for every country, sorted by name."""
    table = data.countries().sort_values("name")
    return list(zip(table["name"], table["iso3"], strict=True))


def peer_html(year: int, peers: list[str], measure: str) -> str:
    """The peer table of one year as an HTML table, Lao PDR in bold."""
    rows = benchmark.peer_table(year, peers, measure)
    head = "".join(
        f"<th>{html.escape(t(key))}</th>"
        for key in (
            "app.egdi-explorer.position",
            "app.egdi-explorer.country",
            f"chart.measure.{measure}",
            "app.egdi-explorer.rank",
        )
    )
    body = []
    for _, row in rows.iterrows():
        value = "" if row[measure] != row[measure] else f"{row[measure]:.3f}"
        cells = [
            str(row["position"]) if row["position"] is not None else "",
            html.escape(row["country"]),
            value,
            str(row["rank"]),
        ]
        style = ' style="font-weight:bold;background:#fff3cd"' if row["iso3"] == "LAO" else ""
        body.append(f"<tr{style}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f'<table class="dgt-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def explorer():
    """Return the whole EGDI explorer as one widget."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import HTML, display

    from course.ui import header

    default = ["LAO", "KHM", "MMR", "VNM", "THA"]
    countries = widgets.SelectMultiple(
        options=country_options(),
        value=default,
        rows=8,
        description=t("app.egdi-explorer.countries"),
    )
    measure = widgets.Dropdown(
        options=[(t(f"chart.measure.{m}"), m) for m in benchmark.MEASURES],
        value="egdi",
        description=t("app.egdi-explorer.measure"),
    )
    year = widgets.Dropdown(
        options=list(data.EGDI_YEARS), value=2024, description=t("app.egdi-explorer.year")
    )
    message = widgets.HTML()
    trend_out, table_out, gaps_out = widgets.Output(), widgets.Output(), widgets.Output()

    def redraw(*_):
        message.value = ""
        chosen = list(countries.value)
        if not chosen:
            message.value = f'<p class="dgt-message" role="alert">{html.escape(t("app.egdi-explorer.pick_one"))}</p>'
            return
        with trend_out:
            trend_out.clear_output(wait=True)
            charts.trend(chosen, measure.value)
            plt.show()
        with table_out:
            table_out.clear_output(wait=True)
            display(
                HTML(f"<h3>{html.escape(t('app.egdi-explorer.asean_table', year=year.value))}</h3>")
            )
            display(HTML(peer_html(year.value, data.asean(), measure.value)))
        with gaps_out:
            gaps_out.clear_output(wait=True)
            display(
                HTML(
                    f"<h3>{html.escape(t('app.egdi-explorer.gaps_heading', year=year.value))}</h3>"
                )
            )
            charts.gaps(benchmark.component_gaps("LAO", year.value), "Lao PDR")
            plt.show()

    for control in (countries, measure, year):
        control.observe(redraw, names="value")
    redraw()
    controls = widgets.VBox([countries, measure, year, message])
    source = widgets.HTML(f'<p class="dgt-source">{html.escape(t("chart.source_egdi"))}</p>')
    return widgets.VBox(
        [
            widgets.HTML(header("egdi-explorer")),
            widgets.HBox([controls, trend_out]),
            table_out,
            gaps_out,
            source,
        ]
    )
