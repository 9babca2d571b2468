"""SYNTHETIC staff and payroll list of a provincial office, messy on purpose (module A1).

GPAR Sekong once kept payroll and personnel data in Excel (GPAR Sekong project
document, 2009). This list is shaped like such a sheet, but every row is invented:
staff are known only by an ID and a position title, and the salaries are made-up
numbers, not Lao civil-service pay scales.

The list has the mistakes real sheets collect, for trainees to find and fix:
- province and department names typed several ways ("Xekong", "SEKONG ", "Saravane",
  "finance", "HR", ...);
- salaries typed as text with thousands separators ("4,250,000", "4 250 000 kip");
- blank cells (missing values) in department, home province and salary;
- rows pasted twice (exact copies), and copies that differ only in a spelling.

`generate(rng)` makes the CSV (written by `dgt data generate`). The Excel workbook
`personnel_records.xlsx` beside it holds the same rows under a title line; it is a
separate step, because .xlsx files carry time stamps and are never byte-for-byte the
same: run `python -m course.synthetic.personnel_records` to rewrite it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from course.personnel import COLUMNS, DEPARTMENT_ALIASES, DEPARTMENTS, EXCEL_SHEET, NAME

DESCRIPTION = (
    "SYNTHETIC staff and payroll list of a provincial office: 140 staff (IDs and position "
    "titles, no names), with blanks, copied rows and names typed several ways for cleaning "
    "practice. Salaries are invented numbers, not Lao civil-service pay scales."
)

STAFF = 140
EXACT_COPIES = 6
SPELLING_COPIES = 3
BLANKS = {"salary_kip": 5, "department": 4, "home_province": 3}
WORKBOOK_TITLE = (
    "Staff and payroll list: SYNTHETIC data made up for training, not real people or real pay"
)

# position, department (None: spread over departments), how many, salary band (kip a month)
_POSITIONS: list[tuple[str, str | None, int, int, int]] = [
    ("Director", "Administration", 1, 7_500_000, 8_500_000),
    ("Deputy director", "Administration", 2, 6_500_000, 7_500_000),
    ("Head of unit", None, 6, 5_200_000, 6_200_000),
    ("Accountant", "Finance", 8, 3_600_000, 4_800_000),
    ("IT officer", "ICT", 5, 3_600_000, 4_800_000),
    ("Driver", "Administration", 5, 2_600_000, 3_200_000),
    ("Administrative officer", None, 40, 3_000_000, 4_200_000),
    ("Technical officer", None, 73, 3_400_000, 5_000_000),
]
_SENIOR = {"Director", "Deputy director", "Head of unit"}

# Where staff come from: mostly the province itself and its neighbours.
_HOME = {
    "Sekong": 0.55,
    "Salavan": 0.10,
    "Champasak": 0.10,
    "Attapeu": 0.07,
    "Vientiane Capital": 0.05,
    "Savannakhet": 0.03,
    "Luang Prabang": 0.02,
    "Khammouane": 0.02,
    "Xayaboury": 0.02,
    "Borikhamxay": 0.01,
    "Xiengkhouang": 0.01,
    "Houaphanh": 0.01,
    "Oudomxay": 0.01,
}

# Spellings typed instead of the standard name (each is a real romanisation or a typing slip).
_PROVINCE_VARIANTS = {
    "Sekong": ["Xekong", "Xe Kong", "SEKONG", "sekong", "Sekong ", "Se Kong"],
    "Salavan": ["Saravane", "Saravan", "SALAVAN"],
    "Champasak": ["Champassak", "Champasack", "champasak"],
    "Attapeu": ["Attapu", "Attopeu"],
    "Vientiane Capital": ["Vientiane Prefecture", "Vientiane capital", "Vientiane Municipality"],
    "Savannakhet": ["Savanakhet"],
    "Luang Prabang": ["Luangprabang", "Louangphabang"],
    "Khammouane": ["Khammouan"],
    "Xayaboury": ["Sainyabuli", "Sayaboury"],
    "Borikhamxay": ["Bolikhamxai"],
    "Xiengkhouang": ["Xieng Khouang"],
    "Houaphanh": ["Houaphan"],
    "Oudomxay": ["Oudomxai"],
}
_SPREAD = {"Administration": 3, "Finance": 2, "Personnel": 2, "Planning": 3, "Legal affairs": 2}


def _home_weights() -> np.ndarray:
    weights = np.array(list(_HOME.values()))
    return weights / weights.sum()


def _draw_department(rng: np.random.Generator, position: str, index: int) -> str:
    if position == "Head of unit":
        return DEPARTMENTS[index]
    names = list(_SPREAD) + (["ICT"] if position == "Technical officer" else [])
    weights = np.array([_SPREAD.get(n, 1) for n in names], dtype=float)
    return str(rng.choice(names, p=weights / weights.sum()))


def people(rng: np.random.Generator) -> pd.DataFrame:
    """Return the clean list (the truth the messy file was made from), one row per person."""
    rows = []
    for position, department, count, low, high in _POSITIONS:
        for index in range(count):
            senior = position in _SENIOR
            rows.append(
                {
                    "position": position,
                    "department": department or _draw_department(rng, position, index),
                    "sex": "F" if rng.random() < 0.45 else "M",
                    "home_province": str(rng.choice(list(_HOME), p=_home_weights())),
                    "year_joined": int(
                        rng.integers(1996, 2011) if senior else rng.integers(2000, 2025)
                    ),
                    "salary_kip": int(round(rng.uniform(low, high) / 50_000) * 50_000),
                }
            )
    order = rng.permutation(len(rows))
    table = pd.DataFrame([rows[i] for i in order])
    table.insert(0, "staff_id", [f"ST-{n:04d}" for n in range(1, len(table) + 1)])
    return table[list(COLUMNS)]


def _typed_salary(rng: np.random.Generator, amount: int) -> str:
    style = rng.choice(4, p=[0.70, 0.20, 0.05, 0.05])
    grouped = f"{amount:,}"
    return [grouped, str(amount), grouped.replace(",", " "), grouped + " kip"][style]


def _typed_department(rng: np.random.Generator, name: str) -> str:
    if rng.random() >= 0.3:
        return name
    short = [alias for alias, full in DEPARTMENT_ALIASES.items() if full == name]
    options = [name.lower(), name.upper(), name + " ", *short]
    return str(rng.choice(options))


def _typed_province(rng: np.random.Generator, name: str) -> str:
    if rng.random() >= 0.35:
        return name
    return str(rng.choice(_PROVINCE_VARIANTS[name]))


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """Return the messy list as the office keeps it: text salaries, blanks, copies, spellings."""
    truth = people(rng)
    typed = truth.astype({"salary_kip": "object"}).copy()
    typed["salary_kip"] = [_typed_salary(rng, int(a)) for a in truth["salary_kip"]]
    typed["department"] = [_typed_department(rng, d) for d in truth["department"]]
    typed["home_province"] = [_typed_province(rng, p) for p in truth["home_province"]]

    picked = rng.choice(len(typed), size=sum(BLANKS.values()), replace=False)
    start = 0
    for column, count in BLANKS.items():
        for row in picked[start : start + count]:
            typed.loc[row, column] = None
        start += count

    order = [float(i) for i in range(len(typed))]
    rows = [typed.iloc[i].to_dict() for i in range(len(typed))]
    with_province = [i for i in range(len(typed)) if not pd.isna(typed.loc[i, "home_province"])]
    copied = rng.choice(with_province, size=EXACT_COPIES + SPELLING_COPIES, replace=False)
    for number, row in enumerate(copied):
        copy = dict(rows[row])
        if number >= EXACT_COPIES:  # the same person typed again, the province spelled otherwise
            home = truth.loc[row, "home_province"]
            options = [v for v in [home, *_PROVINCE_VARIANTS[home]] if v != copy["home_province"]]
            copy["home_province"] = str(rng.choice(options))
        rows.append(copy)
        order.append(float(rng.uniform(row + 0.5, len(typed))))
    table = pd.DataFrame([rows[i] for i in np.argsort(order, kind="stable")])
    return table.reset_index(drop=True)[list(COLUMNS)]


def write_workbook(frame: pd.DataFrame | None = None, folder: Path | None = None) -> Path:
    """Write the list as an Excel workbook (a title line, an empty line, then the table).

    The cell contents equal the CSV file; the file's bytes are not stable (Excel files
    carry time stamps), so tests compare contents. Written atomically; returns the path.
    """
    from openpyxl import Workbook

    from course import data, synthetic

    frame = synthetic.generate(NAME) if frame is None else frame
    folder = data.SYNTHETIC_DIR if folder is None else Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    sheet = book.active
    sheet.title = EXCEL_SHEET
    sheet.append([WORKBOOK_TITLE])
    sheet.append([])
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append(
            [None if pd.isna(v) else (int(v) if isinstance(v, np.integer) else v) for v in row]
        )
    about = book.create_sheet("about")
    about.append([DESCRIPTION])
    about.append([data.synthetic_label(NAME)])
    stamp = dt.datetime(2024, 5, 20)
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = "course.synthetic.personnel_records"
    path = folder / f"{NAME}.xlsx"
    tmp = folder / f".{NAME}.xlsx.tmp"
    book.save(tmp)
    tmp.replace(path)
    return path


if __name__ == "__main__":
    print(write_workbook())
