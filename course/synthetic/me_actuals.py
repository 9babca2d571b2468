"""Generator of the SYNTHETIC tracking table (actual values per year) for `me_indicators`."""

from __future__ import annotations

import numpy as np
import pandas as pd

NAME = "me_actuals"
DESCRIPTION = (
    "SYNTHETIC tracking table for the me_indicators example: made-up actual values 2022-2025, "
    "with some reports missing; not real figures of any PPA."
)

# Written out by hand so that, as of 2025, the indicators show every status:
# on track (DT-01, DT-04, DT-07, DT-09), at risk (DT-02, DT-05, DT-10),
# off track (DT-03, DT-08) and no data (DT-06). None = the report is missing.
ACTUALS: dict[str, dict[int, float | None]] = {
    "DT-01": {2022: 22, 2023: 31, 2024: 42, 2025: 52},
    "DT-02": {2022: 26, 2023: 33, 2024: 49, 2025: 58},
    "DT-03": {2022: 44, 2023: 41, 2024: 40, 2025: 37},
    "DT-04": {2022: 1, 2023: 2, 2024: 4, 2025: 5},
    "DT-05": {2023: 58, 2025: None},
    "DT-06": {2022: None, 2023: None, 2024: None, 2025: None},
    "DT-07": {2022: 27, 2023: 22, 2024: 18, 2025: 14},
    "DT-08": {2022: 31, 2023: 32, 2024: 33, 2025: 33},
    "DT-09": {2022: 35, 2023: 29, 2024: 22, 2025: None},
    "DT-10": {2022: 24, 2023: 31, 2024: 44, 2025: 51},
}


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """Return one row per indicator and year; `actual` is empty where the report is missing."""
    del rng
    rows = [
        {
            "indicator_id": indicator,
            "year": year,
            "actual": np.nan if value is None else float(value),
        }
        for indicator, years in ACTUALS.items()
        for year, value in years.items()
    ]
    return pd.DataFrame(rows, columns=["indicator_id", "year", "actual"])
