"""SYNTHETIC internet speed tests at the 18 PPA offices over two working weeks (module A3).

Ten tests per office, at 9:00, 11:00, 14:00 or 16:00. Each office gets a made-up
"typical" download speed (between about 2 and 30 Mbit/s) and an upload speed that is a
fraction of it; each test varies around it, and tests at 11:00 and 14:00 are slower,
as a busy network would be. The numbers are drawn with the dataset's fixed seed: they
are NOT measurements of any PPA's connection.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NAME = "ppa_speed_tests"
DESCRIPTION = (
    "SYNTHETIC internet speed tests (Mbit/s) at the 18 PPA offices; made-up numbers, "
    "not measurements of any real connection."
)

TESTS_PER_OFFICE = 10
_HOURS = (9, 11, 14, 16)
_BUSY = {11: 0.75, 14: 0.7}
_DAYS = pd.bdate_range("2024-06-03", periods=10)


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """Return the SYNTHETIC tests: province, date, hour, download_mbps, upload_mbps."""
    from course import data

    rows = []
    for province in data.provinces()["name_en"]:
        download = float(np.clip(rng.lognormal(np.log(8), 0.7), 2, 30))
        upload_share = float(rng.uniform(0.2, 0.6))
        days = rng.choice(len(_DAYS), size=TESTS_PER_OFFICE, replace=False)
        for day in np.sort(days):
            hour = int(rng.choice(_HOURS))
            busy = _BUSY.get(hour, 1.0)
            rows.append(
                {
                    "province": province,
                    "date": _DAYS[int(day)].strftime("%Y-%m-%d"),
                    "hour": hour,
                    "download_mbps": round(download * busy * rng.lognormal(0, 0.35), 1),
                    "upload_mbps": round(download * upload_share * busy * rng.lognormal(0, 0.4), 1),
                }
            )
    return pd.DataFrame(rows)
