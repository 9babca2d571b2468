"""SYNTHETIC staff counts and meeting rooms of the 18 PPAs' secretariats (module B2).

Goes with `ppa_ict_inventory`: equipment per staff member needs a head count. The
numbers are drawn with the dataset's fixed seed and are not the real staffing of any PPA.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from course import data

NAME = "ppa_staff"
DESCRIPTION = (
    "SYNTHETIC staff counts and meeting rooms of the 18 PPA secretariats; invented numbers, "
    "not the real staffing of any PPA."
)


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """Return the SYNTHETIC table: province, staff, meeting_rooms."""
    provinces = data.provinces()
    staff = rng.integers(14, 41, size=len(provinces))
    rooms = np.where(staff >= 30, 2, 1)
    return pd.DataFrame(
        {
            "province": provinces["name_en"],
            "staff": staff.astype(int),
            "meeting_rooms": rooms.astype(int),
        }
    )
