"""SYNTHETIC staff digital-skills survey of the 18 PPA secretariats (module B5).

One row per respondent: where they work, their role, sex and age group, and a
self-assessed level from 0 to 4 in each competence of the course's illustrative
framework (`course/data/files/capacity/framework.csv`). Levels are drawn from a simple
model with the dataset's fixed seed: each competence has its own difficulty, each
person and each PPA a random offset, and IT focal points score higher by design. Sex
and age group have no effect in the model. None of it describes real staff or a real
PPA; province names only say which secretariat a made-up respondent belongs to.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from course import data

NAME = "staff_skills"
DESCRIPTION = (
    "SYNTHETIC digital-skills survey of staff in the 18 PPA secretariats (levels 0-4 per "
    "competence); invented respondents, not real staff or results."
)

#: Competences and the mean level of a typical respondent (illustrative difficulty).
COMPETENCE_MEANS = {
    "basic_ict": 2.4,
    "data_handling": 1.7,
    "cybersecurity": 1.4,
    "online_collaboration": 1.9,
    "digital_service_design": 0.9,
    "digital_leadership": 1.2,
}
ROLES = ("admin_officer", "technical_officer", "head_of_division")
ROLE_SHARES = (0.5, 0.33, 0.17)
AGE_GROUPS = ("18-29", "30-39", "40-49", "50+")


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """Return the SYNTHETIC survey: staff_id, province, region, role, sex, age_group and one
    column per competence (levels 0-4)."""
    provinces = data.provinces()
    rows = []
    number = 0
    for province, region in zip(provinces["name_en"], provinces["region"], strict=True):
        office_offset = rng.normal(0, 0.35)
        size = int(rng.integers(9, 15))
        roles = ["it_focal_point", *rng.choice(ROLES, size=size - 1, p=ROLE_SHARES)]
        for role in roles:
            number += 1
            person = rng.normal(0, 0.6) + (1.2 if role == "it_focal_point" else 0.0)
            row = {
                "staff_id": f"S{number:03d}",
                "province": province,
                "region": region,
                "role": str(role),
                "sex": str(rng.choice(["female", "male"])),
                "age_group": str(rng.choice(AGE_GROUPS, p=(0.2, 0.35, 0.3, 0.15))),
            }
            for competence, mean in COMPETENCE_MEANS.items():
                level = mean + office_offset + person + rng.normal(0, 0.6)
                row[competence] = int(np.clip(np.rint(level), 0, 4))
            rows.append(row)
    return pd.DataFrame(rows)
