"""SYNTHETIC answers of a Sekong PPA team to the B2 maturity questionnaire (the B8 capstone's worked case).

One row per question of `course/data/files/maturity/questionnaire.csv`: the question id,
its dimension and a level from 1 to 5. The levels are drawn with the dataset's fixed
seed around illustrative centres (low for equipment and data, a little higher for
strategy and for sharing information with citizens). They are NOT an assessment made
by or about the real Sekong PPA.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NAME = "sekong_maturity_answers"
DESCRIPTION = (
    "SYNTHETIC answers of a Sekong PPA team to the course's maturity questionnaire "
    "(levels 1-5): invented for the capstone's worked case, not a real assessment."
)

#: Illustrative centre level of each dimension; each answer moves by at most one level.
_CENTRES = {
    "strategy_leadership": 2.4,
    "people_skills": 1.8,
    "processes_services": 2.0,
    "technology_infrastructure": 1.5,
    "data": 1.5,
    "citizen_engagement": 2.3,
}


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """Return the SYNTHETIC answers: question_id, dimension, level (1-5)."""
    from course.maturity import load_questionnaire

    questions = load_questionnaire()
    rows = []
    for question_id, dimension in zip(
        questions["question_id"], questions["dimension"], strict=True
    ):
        centre = _CENTRES[dimension]
        level = int(np.clip(round(centre + rng.uniform(-0.9, 0.9)), 1, 5))
        rows.append({"question_id": question_id, "dimension": dimension, "level": level})
    return pd.DataFrame(rows, columns=["question_id", "dimension", "level"])
