"""SYNTHETIC service transactions at One Door Service Centres (ODSCs) in Sekong (module B3).

One row per step of one citizen's case: which step, on which day, how many trips
(visits) it took, minutes spent at the centre, travel cost and fee in kip (LAK), and
the problem the citizen met, if any. The two services and their steps are simplified
examples for practising journey mapping; the real steps, fees and times of an ODSC
may differ. The district names come from the GPAR Sekong project document; every
number is drawn with the dataset's fixed seed and describes no real ODSC.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NAME = "odsc_transactions"
DESCRIPTION = (
    "SYNTHETIC ODSC service transactions in Sekong (one row per case step: minutes, visits, "
    "cost in LAK, problem met); simplified steps and invented numbers, not a real ODSC."
)

DISTRICTS = ("Lamam", "Thateng", "Kaleum", "Dakcheung")
CASES_PER_DISTRICT = {"Lamam": 60, "Thateng": 45, "Kaleum": 30, "Dakcheung": 35}

# step, needs a trip (0/1), (mean minutes, sd), {problem: probability}
_STEPS: dict[str, list[tuple[str, int, tuple[float, float], dict[str, float]]]] = {
    "business licence": [
        ("ask for information", 1, (25, 10), {"unclear information": 0.25, "long wait": 0.10}),
        (
            "hand in form and documents",
            1,
            (45, 20),
            {"missing document": 0.30, "long wait": 0.20, "language difficulty": 0.08},
        ),
        ("check by the line office", 0, (0, 0), {"no news on progress": 0.35}),
        ("pay the fee", 1, (30, 15), {"long wait": 0.15, "staff not available": 0.10}),
        (
            "collect the licence",
            1,
            (20, 10),
            {"document not ready": 0.25, "staff not available": 0.08},
        ),
    ],
    "birth certificate": [
        (
            "ask for information",
            1,
            (15, 8),
            {"unclear information": 0.15, "language difficulty": 0.10},
        ),
        (
            "hand in form and documents",
            1,
            (35, 15),
            {"missing document": 0.25, "long wait": 0.15, "language difficulty": 0.10},
        ),
        ("pay the fee", 1, (15, 8), {"long wait": 0.08}),
        (
            "collect the certificate",
            1,
            (15, 8),
            {"document not ready": 0.20, "staff not available": 0.06},
        ),
    ],
}
# problems that send the citizen home to come back another day
_RETURN_TRIP = {"missing document", "document not ready", "staff not available"}
_FEES = {"business licence": 100_000, "birth certificate": 20_000}
# mean one-way travel distance (km) to the centre, by district
_DISTANCE = {"Lamam": 8, "Thateng": 15, "Kaleum": 30, "Dakcheung": 35}
_COST_PER_KM = 2_000  # LAK, a round illustrative figure for a return trip per km


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """Return the SYNTHETIC table: case_id, service, district, step_no, step, day, visits, minutes, travel_cost_lak, fee_lak, problem."""
    rows = []
    case = 0
    for district in DISTRICTS:
        for _ in range(CASES_PER_DISTRICT[district]):
            case += 1
            service = "business licence" if rng.random() < 0.45 else "birth certificate"
            distance = max(1.0, rng.gamma(4.0, _DISTANCE[district] / 4.0))
            trip_cost = int(round(distance * _COST_PER_KM, -3))
            day = 1
            for number, (step, trip, (mean, sd), problems) in enumerate(_STEPS[service], start=1):
                problem = ""
                for name, chance in problems.items():
                    if rng.random() < chance:
                        problem = name
                        break
                visits = trip + (1 if trip and problem in _RETURN_TRIP else 0)
                minutes = 0
                if trip:
                    minutes = max(5, int(rng.normal(mean, sd)))
                    if problem == "long wait":
                        minutes += int(rng.integers(40, 121))
                    if visits == 2:
                        minutes += max(5, int(rng.normal(mean, sd)))
                if number > 1:
                    day += int(rng.integers(0, 3)) if trip else int(rng.integers(3, 11))
                if problem in {"no news on progress", "document not ready"}:
                    day += int(rng.integers(2, 8))
                if visits == 2:
                    day += int(rng.integers(1, 6))
                rows.append(
                    {
                        "case_id": f"C{case:04d}",
                        "service": service,
                        "district": district,
                        "step_no": number,
                        "step": step,
                        "day": day,
                        "visits": visits,
                        "minutes": minutes,
                        "travel_cost_lak": visits * trip_cost,
                        "fee_lak": _FEES[service] if step == "pay the fee" else 0,
                        "problem": problem,
                    }
                )
    return pd.DataFrame(rows)
