"""Hybrid meetings (module A3): will the meeting fit the internet link the office really has?

The model is simple on purpose, so a trainee can compute it by hand:

- each device in the office that joins the meeting **sends** one stream (uplink);
- for video, each device **receives** one stream per remote video it shows (downlink);
  for audio, and for audio with shared slides, it receives one mixed stream;
- only part of the measured link is usable (default 80 %): other people in the office
  use it too, and the speed changes from minute to minute.

The bitrates in MODES are ASSUMPTIONS, rounded values inside the ranges that common
video-meeting apps publish; a real app may use more or less, and most apps lower the
quality by themselves on a slow link. Speeds are in kbit/s (kbps) or Mbit/s (Mbps);
1 Mbps = 1000 kbps. Invalid input raises `UserError` with a message from the catalogue.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from course.errors import UserError
from course.messages import t


@dataclass(frozen=True)
class Mode:
    """One way to join a meeting, with its assumed bitrates (kbps) and a typical range."""

    key: str
    send_kbps: float
    receive_kbps: float
    per_video: bool
    low_kbps: float
    high_kbps: float


#: Meeting modes from the best quality down. ASSUMPTIONS, not measurements (see module doc).
MODES: tuple[Mode, ...] = (
    Mode("hd_video", 1500, 1500, True, 1200, 2500),
    Mode("sd_video", 600, 600, True, 400, 1000),
    Mode("audio_slides", 80, 250, False, 150, 500),
    Mode("audio_only", 80, 80, False, 40, 100),
)

#: The share of the measured link a meeting may use (an assumption; see module doc).
DEFAULT_HEADROOM = 0.8


def _number(value: object, name: str, low: float = 0.0, whole: bool = False) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    ok = ok and math.isfinite(value) and value >= low
    if ok and whole:
        ok = value == int(value)
    if not ok:
        key = "hybrid.error.not_whole" if whole else "hybrid.error.not_number"
        raise UserError(t(key, name=name, value=value, low=low))
    return float(value)


def mode(key: str) -> Mode:
    """Return the mode called `key` ("hd_video", "sd_video", "audio_slides", "audio_only")."""
    for item in MODES:
        if item.key == key:
            return item
    raise UserError(t("hybrid.error.unknown_mode", mode=key, known=", ".join(m.key for m in MODES)))


def assumptions() -> pd.DataFrame:
    """Return the bitrate assumptions as a table, with plain-language names of the modes."""
    return pd.DataFrame(
        {
            "mode": [m.key for m in MODES],
            "what": [t(f"hybrid.mode.{m.key}") for m in MODES],
            "send_kbps": [m.send_kbps for m in MODES],
            "receive_kbps": [m.receive_kbps for m in MODES],
            "receive_per_video": [m.per_video for m in MODES],
            "typical_range_kbps": [f"{m.low_kbps:g}-{m.high_kbps:g}" for m in MODES],
        }
    )


def mbps_to_kbps(mbps: float) -> float:
    """Convert Mbit/s to kbit/s (× 1000)."""
    return _number(mbps, "mbps") * 1000


@dataclass(frozen=True)
class Need:
    """The bandwidth one meeting needs from the office's link, in kbps."""

    mode: str
    up_kbps: float
    down_kbps: float


def need(mode_key: str, devices: int = 1, videos_shown: int = 1) -> Need:
    """Return the uplink and downlink a meeting needs.

    `devices`: computers or phones in this office that join the meeting (each sends one
    stream). `videos_shown`: remote videos each device shows (only matters for video).
    """
    chosen = mode(mode_key)
    devices = int(_number(devices, "devices", 1, whole=True))
    videos_shown = int(_number(videos_shown, "videos_shown", 0, whole=True))
    up = devices * chosen.send_kbps
    streams = videos_shown if chosen.per_video else 1
    down = devices * streams * chosen.receive_kbps
    return Need(chosen.key, up, down)


def fits(
    needed: Need, down_mbps: float, up_mbps: float, headroom: float = DEFAULT_HEADROOM
) -> bool:
    """True if the need fits in `headroom` (e.g. 80 %) of both directions of the link."""
    down = mbps_to_kbps(down_mbps) * _share(headroom)
    up = mbps_to_kbps(up_mbps) * _share(headroom)
    return needed.up_kbps <= up and needed.down_kbps <= down


def _share(headroom: float) -> float:
    value = _number(headroom, "headroom")
    if not 0 < value <= 1:
        raise UserError(t("hybrid.error.bad_headroom", headroom=headroom))
    return value


def plan_table(
    down_mbps: float,
    up_mbps: float,
    devices: int = 1,
    videos_shown: int = 1,
    headroom: float = DEFAULT_HEADROOM,
) -> pd.DataFrame:
    """Return every mode with the uplink and downlink it needs and whether it fits the link."""
    rows = []
    for item in MODES:
        needed = need(item.key, devices, videos_shown)
        rows.append(
            {
                "mode": item.key,
                "up_kbps": needed.up_kbps,
                "down_kbps": needed.down_kbps,
                "fits": fits(needed, down_mbps, up_mbps, headroom),
            }
        )
    return pd.DataFrame(rows)


def best_mode(
    down_mbps: float,
    up_mbps: float,
    devices: int = 1,
    videos_shown: int = 1,
    headroom: float = DEFAULT_HEADROOM,
) -> str | None:
    """Return the best-quality mode that fits the link, or None if even audio does not fit."""
    table = plan_table(down_mbps, up_mbps, devices, videos_shown, headroom)
    fitting = table[table["fits"]]
    return None if fitting.empty else str(fitting["mode"].iloc[0])


def advice(
    down_mbps: float,
    up_mbps: float,
    devices: int = 1,
    videos_shown: int = 1,
    headroom: float = DEFAULT_HEADROOM,
) -> str:
    """Return one sentence of advice in plain words for the meeting plan."""
    best = best_mode(down_mbps, up_mbps, devices, videos_shown, headroom)
    if best is None:
        return t("hybrid.advice.none")
    return t(f"hybrid.advice.{best}")


def planning_speed(measurements: Sequence[float] | pd.Series, share: float = 0.8) -> float:
    """Return the speed reached in at least `share` of the measurements (e.g. 8 tests in 10).

    It is the lower (1 - share) quantile of the measurements: a speed that was actually
    measured, so a plan based on it holds most of the time, not only on a good day.
    """
    values = pd.Series(measurements, dtype="float64").dropna()
    if values.empty:
        raise UserError(t("hybrid.error.no_measurements"))
    if (values < 0).any():
        raise UserError(t("hybrid.error.negative_speed"))
    share = _number(share, "share")
    if not 0 < share <= 1:
        raise UserError(t("hybrid.error.bad_share", share=share))
    return float(values.quantile(1 - share, interpolation="lower"))


def data_per_hour_mb(kbps: float) -> float:
    """Return the megabytes one hour at `kbps` uses: kbps × 3600 s ÷ 8 bits ÷ 1000."""
    return _number(kbps, "kbps") * 3600 / 8 / 1000


def speed_chart(tests: pd.DataFrame, province: str, needed: Need | None = None, ax=None):
    """Bar chart of one office's upload tests, with the uplink a meeting needs; returns the Axes."""
    import matplotlib.pyplot as plt

    from course import charts, data

    for column in ("province", "date", "hour", "upload_mbps"):
        if column not in tests.columns:
            raise UserError(t("hybrid.error.missing_column", column=column))
    rows = tests[tests["province"] == province]
    if rows.empty:
        raise UserError(t("hybrid.error.unknown_province", province=province))
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    labels = [f"{d[5:]} {h}:00" for d, h in zip(rows["date"], rows["hour"], strict=True)]
    ax.bar(labels, rows["upload_mbps"], color="#2166ac", label=t("hybrid.chart.measured"))
    if needed is not None:
        ax.axhline(
            needed.up_kbps / 1000,
            color="#b35806",
            linestyle="--",
            label=t("hybrid.chart.needed", mode=t(f"hybrid.mode.{needed.mode}")),
        )
    ax.set_ylabel(t("hybrid.chart.upload_axis"))
    ax.set_title(t("hybrid.chart.title", province=province))
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    ax.legend(fontsize=8)
    charts.foot_note(ax, data.synthetic_label("ppa_speed_tests"))
    return ax
