"""Situation analysis (module B2): capacity gaps, ICT inventory, stakeholders, SWOT, benchmarking.

Plain functions on small tables. Bad input raises `UserError` with a catalogue message
that names the row (counted from 1) and the column at fault.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from course import cells, egdi_peers
from course.errors import UserError
from course.messages import t

#: The four levels of capacity in the UN DESA / UNPOG Toolkit, from the widest to the person.
CAPACITY_LEVELS = ("institutional", "organisational", "individual", "societal")
#: The power/interest grid quadrants, from the most to the least attention needed.
QUADRANTS = ("manage_closely", "keep_satisfied", "keep_informed", "monitor")
SWOT_KINDS = ("strength", "weakness", "opportunity", "threat")
#: SWOT strategies: the internal and the external kind each one pairs.
STRATEGIES = {
    "SO": ("strength", "opportunity"),
    "ST": ("strength", "threat"),
    "WO": ("weakness", "opportunity"),
    "WT": ("weakness", "threat"),
}
COMPUTERS = ("desktop", "laptop")
#: What one meeting room needs for a hybrid meeting (device type: count).
HYBRID_KIT: dict[str, int] = {
    "laptop": 1,
    "webcam": 1,
    "speakerphone": 1,
    "projector": 1,
    "router": 1,
    "ups": 1,
}
STATUSES = ("working", "needs_repair", "broken")
EXAMPLES_DIR = Path(__file__).parent / "data" / "files" / "situation"


# Shared checks ------------------------------------------------------------------------------


def _at(row: int, column: str, problem: str) -> UserError:
    return UserError(cells.at(row, column, problem))


def _score(value: Any, row: int, column: str, low: float = 1, high: float = 5) -> float:
    """A number between low and high, or a UserError naming the row and column."""
    problem = t("situation.error.score", value=repr(value), low=low, high=high)
    if isinstance(value, bool | str) or value is None:
        raise _at(row, column, problem)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _at(row, column, problem) from None
    if math.isnan(number) or not low <= number <= high:
        raise _at(row, column, problem)
    return number


def _text(value: Any, row: int, column: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or not str(value).strip():
        raise _at(row, column, t("situation.error.blank"))
    return str(value).strip()


def _choice(value: Any, row: int, column: str, known: Iterable[str]) -> str:
    known = tuple(known)
    text = _text(value, row, column).lower()
    if text not in known:
        raise _at(
            row, column, t("situation.error.unknown_value", value=value, known=", ".join(known))
        )
    return text


def example_names() -> list[str]:
    """Return the names of the example tables (made up for practice, see the folder's README)."""
    return sorted(p.stem for p in EXAMPLES_DIR.glob("*.csv"))


def example(name: str) -> pd.DataFrame:
    """Return one example table made up for practice: capacity_findings, stakeholders or swot."""
    path = EXAMPLES_DIR / f"{name}.csv"
    if not path.is_file():
        raise UserError(
            t("situation.error.unknown_example", name=name, known=", ".join(example_names()))
        )
    return pd.read_csv(path, encoding="utf-8")


# Capacity gaps at four levels ---------------------------------------------------------------


def capacity_gaps(findings: pd.DataFrame) -> pd.DataFrame:
    """Return the gap table of capacity findings in priority order.

    `findings` has the columns level (institutional, organisational, individual or
    societal), finding, current, target and importance (each 1..5). The result adds
    gap = max(target - current, 0) and priority = gap × importance, sorted by priority,
    then gap (both largest first), then the level order; `rank` 1 is the first priority.
    """
    cells.frame(
        findings, ("level", "finding", "current", "target", "importance"), "situation.what.findings"
    )
    rows = []
    for index, record in enumerate(findings.to_dict("records"), start=1):
        rows.append(
            {
                "level": _choice(record["level"], index, "level", CAPACITY_LEVELS),
                "finding": _text(record["finding"], index, "finding"),
                "current": _score(record["current"], index, "current"),
                "target": _score(record["target"], index, "target"),
                "importance": _score(record["importance"], index, "importance"),
            }
        )
    table = pd.DataFrame(rows)
    table["gap"] = (table["target"] - table["current"]).clip(lower=0)
    table["priority"] = table["gap"] * table["importance"]
    table["_level"] = [CAPACITY_LEVELS.index(v) for v in table["level"]]
    table = table.sort_values(
        ["priority", "gap", "_level"], ascending=[False, False, True], kind="stable"
    )
    table = table.drop(columns="_level").reset_index(drop=True)
    table["rank"] = range(1, len(table) + 1)
    return table


def gaps_by_level(gap_table: pd.DataFrame) -> pd.DataFrame:
    """Return, for each of the four levels, the number of findings and the total priority."""
    cells.frame(gap_table, ("level", "priority"), "situation.what.gap_table")
    grouped = gap_table.groupby("level")["priority"].agg(findings="count", priority="sum")
    grouped = grouped.reindex(list(CAPACITY_LEVELS), fill_value=0)
    return grouped.rename_axis("level").reset_index()


# ICT inventory -------------------------------------------------------------------------------


def _inventory(inventory: pd.DataFrame) -> pd.DataFrame:
    cells.frame(
        inventory,
        ("province", "device_type", "purchase_year", "status"),
        "situation.what.inventory",
    )
    for index, status in enumerate(inventory["status"], start=1):
        if status not in STATUSES:
            problem = t("situation.error.unknown_value", value=status, known=", ".join(STATUSES))
            raise _at(index, "status", problem)
    return inventory


def _staff(staff: pd.DataFrame) -> pd.DataFrame:
    cells.frame(staff, ("province", "staff"), "situation.what.staff")
    for index, value in enumerate(staff["staff"], start=1):
        _score(value, index, "staff", 1, 100_000)
    if staff["province"].duplicated().any():
        first = staff["province"][staff["province"].duplicated()].iloc[0]
        raise UserError(t("situation.error.duplicate_province", province=first))
    return staff


def equipment_per_staff(
    inventory: pd.DataFrame,
    staff: pd.DataFrame,
    device_types: Iterable[str] = COMPUTERS,
    working_only: bool = True,
) -> pd.DataFrame:
    """Return province, devices, staff, per_staff: devices of the given types per staff member.

    Counts only working devices unless `working_only` is False. Sorted from the fewest
    devices per staff member (the largest need) to the most.
    """
    inventory, staff = _inventory(inventory), _staff(staff)
    types = list(device_types)
    rows = inventory[inventory["device_type"].isin(types)]
    if working_only:
        rows = rows[rows["status"] == "working"]
    counts = rows.groupby("province").size()
    table = staff[["province", "staff"]].copy()
    table["devices"] = table["province"].map(counts).fillna(0).astype(int)
    table["per_staff"] = table["devices"] / table["staff"]
    table = table[["province", "devices", "staff", "per_staff"]]
    return table.sort_values(["per_staff", "province"], ignore_index=True)


def per_staff_chart(table: pd.DataFrame, ax=None):
    """Bar chart of computers per staff member by province (from `equipment_per_staff`); returns the Axes.

    The data are SYNTHETIC, and the chart says so.
    """
    import matplotlib.pyplot as plt

    from course import charts

    cells.frame(table, ("province", "per_staff"), "situation.what.equipment")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 5))
    ordered = table.sort_values("per_staff")
    ax.barh(ordered["province"], ordered["per_staff"], color="#2166ac")
    for y, value in enumerate(ordered["per_staff"]):
        ax.text(value + 0.005, y, f"{value:.2f}", va="center", fontsize=7)
    ax.set_xlabel(t("situation.chart.per_staff"))
    ax.set_title(t("situation.chart.per_staff_title"))
    charts.synthetic_note(ax, "ppa_ict_inventory")
    return ax


def share_older_than(
    inventory: pd.DataFrame, years: int, as_of: int, by: str = "province"
) -> pd.DataFrame:
    """Return <by>, devices, older, share: the share of devices more than `years` old in `as_of`.

    A device bought in `as_of - years` is exactly `years` old and does not count as older.
    Sorted from the largest share down.
    """
    inventory = _inventory(inventory)
    if by not in inventory.columns:
        raise UserError(t("situation.error.columns", name="inventory", missing=by))
    if isinstance(years, bool) or not isinstance(years, int) or years < 0:
        raise UserError(t("situation.error.years", value=repr(years)))
    age = as_of - inventory["purchase_year"]
    if (age < 0).any():
        row = int((age < 0).to_numpy().nonzero()[0][0]) + 1
        raise _at(row, "purchase_year", t("situation.error.future", as_of=as_of))
    table = (
        pd.DataFrame({by: inventory[by], "older": age > years})
        .groupby(by)["older"]
        .agg(devices="size", older="sum")
        .reset_index()
    )
    table["older"] = table["older"].astype(int)
    table["share"] = table["older"] / table["devices"]
    return table.sort_values(["share", by], ascending=[False, True], ignore_index=True)


def hybrid_needs(
    inventory: pd.DataFrame, staff: pd.DataFrame, kit: Mapping[str, int] | None = None
) -> pd.DataFrame:
    """Return province, device_type, needed, working, missing for hybrid meetings.

    Each meeting room needs one `kit` (default `HYBRID_KIT`); `staff` gives the number
    of meeting rooms per province (column meeting_rooms, 1 if absent). Only working
    devices count. missing = max(needed - working, 0). Rows keep the kit's order.
    """
    inventory, staff = _inventory(inventory), _staff(staff)
    kit = dict(HYBRID_KIT if kit is None else kit)
    if not kit:
        raise UserError(t("situation.error.empty", name="kit"))
    for device, count in kit.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise UserError(t("situation.error.kit", device=device, value=repr(count)))
    rooms = staff.set_index("province")["meeting_rooms"] if "meeting_rooms" in staff else None
    working = (
        inventory[inventory["status"] == "working"].groupby(["province", "device_type"]).size()
    )
    rows = []
    for province in staff["province"]:
        room_count = 1 if rooms is None else int(rooms[province])
        for device, count in kit.items():
            have = int(working.get((province, device), 0))
            need = count * room_count
            rows.append(
                {
                    "province": province,
                    "device_type": device,
                    "needed": need,
                    "working": have,
                    "missing": max(need - have, 0),
                }
            )
    return pd.DataFrame(rows)


def cost_gap(
    needs: pd.DataFrame, prices: pd.DataFrame, price_column: str = "unit_price_usd"
) -> pd.DataFrame:
    """Return the needs table with unit_price and cost = missing × unit_price.

    `prices` has device_type and `price_column`. A device type that is missing with
    no price raises UserError naming it.
    """
    cells.frame(needs, ("device_type", "missing"), "situation.what.needs")
    cells.frame(prices, ("device_type", price_column), "situation.what.prices")
    if prices["device_type"].duplicated().any():
        first = prices["device_type"][prices["device_type"].duplicated()].iloc[0]
        raise UserError(t("situation.error.duplicate_price", device=first))
    for index, value in enumerate(prices[price_column], start=1):
        _score(value, index, price_column, 0, 1e12)
    lookup = prices.set_index("device_type")[price_column].astype(float)
    unpriced = sorted(set(needs.loc[needs["missing"] > 0, "device_type"]) - set(lookup.index))
    if unpriced:
        raise UserError(t("situation.error.no_price", devices=", ".join(unpriced)))
    table = needs.copy()
    table["unit_price"] = table["device_type"].map(lookup).fillna(0.0)
    table["cost"] = table["missing"] * table["unit_price"]
    return table


# Stakeholders ---------------------------------------------------------------------------------


def quadrant(power: float, interest: float, threshold: float = 3) -> str:
    """Return the power/interest quadrant of one stakeholder (scores 1..5).

    A score above `threshold` (default 3, the middle of the scale) counts as high:
    high power and interest -> manage_closely; high power only -> keep_satisfied;
    high interest only -> keep_informed; neither -> monitor.
    """
    power = _score(power, 1, "power")
    interest = _score(interest, 1, "interest")
    high_power, high_interest = power > threshold, interest > threshold
    if high_power and high_interest:
        return "manage_closely"
    if high_power:
        return "keep_satisfied"
    if high_interest:
        return "keep_informed"
    return "monitor"


def stakeholder_grid(stakeholders: pd.DataFrame, threshold: float = 3) -> pd.DataFrame:
    """Return the stakeholders with their quadrant, most attention first.

    Input columns: stakeholder, power, interest (1..5). Sorted by quadrant order, then
    by power + interest (largest first).
    """
    cells.frame(stakeholders, ("stakeholder", "power", "interest"), "situation.what.stakeholders")
    rows = []
    for index, record in enumerate(stakeholders.to_dict("records"), start=1):
        power = _score(record["power"], index, "power")
        interest = _score(record["interest"], index, "interest")
        rows.append(
            {
                "stakeholder": _text(record["stakeholder"], index, "stakeholder"),
                "power": power,
                "interest": interest,
                "quadrant": quadrant(power, interest, threshold),
            }
        )
    table = pd.DataFrame(rows)
    table["_q"] = [QUADRANTS.index(q) for q in table["quadrant"]]
    table["_sum"] = table["power"] + table["interest"]
    table = table.sort_values(["_q", "_sum"], ascending=[True, False], kind="stable")
    return table.drop(columns=["_q", "_sum"]).reset_index(drop=True)


def stakeholder_chart(grid: pd.DataFrame, threshold: float = 3, ax=None):
    """Plot the stakeholders on the power/interest grid, numbered, with a key; returns the Axes.

    The dividing lines sit half a point above `threshold`, between "not high" and "high".
    Stakeholders with the same scores are set side by side so none is hidden.
    """
    import matplotlib.pyplot as plt

    cells.frame(grid, ("stakeholder", "power", "interest"), "situation.what.stakeholders")
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 5))
    line = threshold + 0.5
    ax.axhline(line, color="#888", linewidth=0.8)
    ax.axvline(line, color="#888", linewidth=0.8)
    corners = {
        "manage_closely": (5.4, 5.4, "right"),
        "keep_satisfied": (0.6, 5.4, "left"),
        "keep_informed": (5.4, 0.6, "right"),
        "monitor": (0.6, 0.6, "left"),
    }
    for name, (x, y, align) in corners.items():
        ax.text(
            x,
            y,
            t(f"situation.quadrant.{name}"),
            ha=align,
            va="center",
            fontsize=9,
            color="#555",
            weight="bold",
        )
    seen: dict[tuple[float, float], int] = {}
    key = []
    for number, (name, x, y) in enumerate(
        zip(grid["stakeholder"], grid["interest"], grid["power"], strict=True), start=1
    ):
        slot = seen.get((x, y), 0)
        seen[(x, y)] = slot + 1
        shifted = float(x) + 0.22 * slot
        ax.scatter([shifted], [y], s=180, color="#2166ac", zorder=3)
        ax.text(
            shifted, y, str(number), color="white", ha="center", va="center", fontsize=8, zorder=4
        )
        key.append(f"{number}. {name}")
    ax.text(1.03, 1.0, "\n".join(key), transform=ax.transAxes, va="top", fontsize=8)
    ax.set_xlim(0.4, 5.6)
    ax.set_ylim(0.4, 5.6)
    ax.set_xticks([1, 2, 3, 4, 5])
    ax.set_yticks([1, 2, 3, 4, 5])
    ax.set_xlabel(t("situation.chart.interest"))
    ax.set_ylabel(t("situation.chart.power"))
    ax.set_title(t("situation.chart.grid_title"))
    return ax


# SWOT -----------------------------------------------------------------------------------------


def swot_actions(swot: pd.DataFrame, top: int = 2) -> pd.DataFrame:
    """Turn a SWOT list into action prompts: strategy, internal, external, prompt.

    `swot` has the columns kind (strength, weakness, opportunity, threat) and item, and
    optionally weight (1..5, default 1; the heaviest items are paired first). For each
    strategy (SO, ST, WO, WT) the `top` internal items are paired with the `top`
    external ones; the prompt says what kind of action the pair asks for.
    """
    cells.frame(swot, ("kind", "item"), "situation.what.swot")
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise UserError(t("situation.error.top", value=repr(top)))
    weights = swot["weight"] if "weight" in swot.columns else pd.Series([1] * len(swot))
    items = []
    for index, (kind, item, weight) in enumerate(
        zip(swot["kind"], swot["item"], weights, strict=True), 1
    ):
        items.append(
            {
                "kind": _choice(kind, index, "kind", SWOT_KINDS),
                "item": _text(item, index, "item"),
                "weight": _score(weight, index, "weight"),
                "order": index,
            }
        )
    table = pd.DataFrame(items).sort_values(["weight", "order"], ascending=[False, True])
    rows = []
    for strategy, (inner, outer) in STRATEGIES.items():
        internal = list(table.loc[table["kind"] == inner, "item"])[:top]
        external = list(table.loc[table["kind"] == outer, "item"])[:top]
        for a in internal:
            for b in external:
                prompt = t(f"situation.strategy.{strategy}", internal=a, external=b)
                rows.append({"strategy": strategy, "internal": a, "external": b, "prompt": prompt})
    return pd.DataFrame(rows, columns=["strategy", "internal", "external", "prompt"])


# Benchmarking ---------------------------------------------------------------------------------


def benchmark_priority(
    iso3: str = "LAO", year: int = 2024, peers: list[str] | None = None
) -> pd.DataFrame:
    """Return the EGDI components in the order to work on them (real data, `course.egdi_peers`).

    Columns: priority (1 = first), component, value, peers (median of the other peers),
    gap (value minus peers; below 0 = behind). The largest gap behind comes first.
    """
    table = egdi_peers.component_gaps(iso3, year, peers)
    table = table.sort_values("gap", ignore_index=True)
    table.insert(0, "priority", range(1, len(table) + 1))
    return table
