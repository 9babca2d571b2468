"""SYNTHETIC ICT equipment inventory of the 18 PPAs' secretariats (module B2): one row per device.

Shaped by one fact from the seeds: all 18 PPAs received basic IT equipment in 2019,
which was not enough for online and hybrid work (Governance Sector Working Group report
2021). So each PPA gets a 2019 batch of basic devices, a few older and newer ones, and
few devices for hybrid meetings. Every count, year and status is drawn with the dataset's
fixed seed; none describes a real PPA.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from course import data

NAME = "ppa_ict_inventory"
DESCRIPTION = (
    "SYNTHETIC ICT inventory of the 18 PPAs (one row per device: type, purchase year, "
    "status); invented counts shaped like a 2019 basic-equipment batch, not real records."
)

# device type: (low, high) count in the 2019 batch, (low, high) count bought in other years
_DEVICES: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "desktop": ((3, 6), (0, 4)),
    "laptop": ((1, 3), (0, 3)),
    "printer": ((1, 2), (0, 2)),
    "projector": ((1, 1), (0, 1)),
    "router": ((1, 1), (0, 1)),
    "ups": ((1, 3), (0, 2)),
    "webcam": ((0, 0), (0, 1)),
    "speakerphone": ((0, 0), (0, 1)),
}
_OTHER_YEARS = np.array([2015, 2016, 2017, 2018, 2020, 2021, 2022, 2023, 2024])
_OTHER_WEIGHTS = np.array([2, 2, 1, 1, 1, 2, 2, 2, 1], dtype=float)
AS_OF = 2025


def _status(rng: np.random.Generator, year: int) -> str:
    age = AS_OF - year
    broken = min(0.03 * age, 0.35)
    repair = min(0.02 + 0.02 * age, 0.25)
    draw = rng.random()
    if draw < broken:
        return "broken"
    if draw < broken + repair:
        return "needs_repair"
    return "working"


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """Return the SYNTHETIC inventory: device_id, province, device_type, purchase_year, status."""
    rows = []
    for code, province in zip(data.provinces()["code"], data.provinces()["name_en"], strict=True):
        number = 0
        for device, ((low19, high19), (low, high)) in _DEVICES.items():
            years = [2019] * int(rng.integers(low19, high19 + 1))
            extra = int(rng.integers(low, high + 1))
            years += list(
                rng.choice(_OTHER_YEARS, size=extra, p=_OTHER_WEIGHTS / _OTHER_WEIGHTS.sum())
            )
            for year in sorted(int(y) for y in years):
                number += 1
                rows.append(
                    {
                        "device_id": f"{code}-{number:03d}",
                        "province": province,
                        "device_type": device,
                        "purchase_year": year,
                        "status": _status(rng, year),
                    }
                )
    return pd.DataFrame(rows)
