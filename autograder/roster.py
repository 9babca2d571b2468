"""The roster: who the trainees are (id, name, PPA, e-mail), read from a trainer's CSV and checked row by row.

The CSV has a header row with the columns trainee_id, name, ppa and email (common other
names are accepted: id, student_id, full_name, province, e-mail), and optionally name_lo:
the trainee's name in Lao script (also lao_name or name_lao), which certificates show. Commas, semicolons and
tabs all work, as spreadsheets save them. The PPA is one of the 18 provinces in any
usual spelling: "Savannakhet", "Savannakhet PPA", "LA-SV", "Louangphabang", "Xaignabouli"
or the Lao name; it is stored as the English name of `course.data.provinces()`.

A roster with any bad row is not imported at all: every bad row gets one line saying
what is wrong, and nothing changes. The roster is kept in `<workspace>/dgt/roster.csv`
and the trainees are added to nbgrader's gradebook.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

from course.errors import UserError
from course.messages import t

FIELDS = ("trainee_id", "name", "ppa", "email", "name_lo")
_HEADERS = {
    "trainee_id": "trainee_id",
    "trainee": "trainee_id",
    "id": "trainee_id",
    "student_id": "trainee_id",
    "student": "trainee_id",
    "name": "name",
    "full_name": "name",
    "trainee_name": "name",
    "ppa": "ppa",
    "province": "ppa",
    "ppa_province": "ppa",
    "email": "email",
    "e_mail": "email",
    "mail": "email",
    "name_lo": "name_lo",
    "lao_name": "name_lo",
    "name_lao": "name_lo",
}
#: A name in Lao script: Lao letters, marks and digits, with spaces, dots and hyphens.
LAO_NAME = re.compile(r"^(?=.*[\u0e81-\u0eae])[\u0e80-\u0eff .\-]+$")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
EMAIL_PATTERN = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")

#: Other romanised spellings of the provinces seen in Lao government and donor documents.
SPELLINGS = {
    "Vientiane Capital": (
        "Vientiane Prefecture",
        "Vientiane Municipality",
        "Vientiane City",
        "Nakhon Luang Vientiane",
        "Nakhonluang Vientiane",
        "Kamphaeng Nakhon Vientiane",
        "Viangchan Capital",
        "VTE",
    ),
    "Phongsaly": ("Phongsali", "Phong Saly"),
    "Luang Namtha": ("Louang Namtha", "Luangnamtha", "Luang Nam Tha"),
    "Oudomxay": ("Oudomxai", "Udomxai", "Oudom Xay", "Oudomsay", "Udomsai"),
    "Bokeo": ("Bo Keo",),
    "Luang Prabang": ("Louangphabang", "Luang Phabang", "Louang Prabang", "Luangprabang"),
    "Houaphanh": ("Houaphan", "Huaphan", "Hua Phan", "Houa Phan"),
    "Xayaboury": ("Xaignabouli", "Sainyabuli", "Sayaboury", "Sayabouri", "Xayabouri", "Xayabury"),
    "Xiengkhouang": ("Xieng Khouang", "Xiangkhouang", "Xiangkhoang", "Xiang Khouang"),
    "Vientiane Province": ("Vientiane Prov", "Viangchan Province"),
    "Borikhamxay": ("Bolikhamxai", "Bolikhamsai", "Borikhamxai", "Bolikhamxay"),
    "Khammouane": ("Khammouan", "Khammuan", "Khamuan"),
    "Savannakhet": ("Savanakhet", "Savannaket"),
    "Xaisomboun": ("Xaysomboun", "Saysomboun", "Xaisomboon", "Xaysomboon"),
    "Salavan": ("Saravan", "Saravane", "Salavane"),
    "Sekong": ("Xekong", "Se Kong", "Xe Kong"),
    "Champasak": ("Champassak", "Champasack", "Champassack", "Jampasak"),
    "Attapeu": ("Attapu", "Attopeu", "Atapeu"),
}
_NOISE = ("ppa", "provincial", "people's assembly", "peoples assembly", "khoueng", "kwaeng")


@dataclass(frozen=True)
class Trainee:
    """One row of the roster."""

    trainee_id: str
    name: str
    ppa: str
    email: str = ""
    name_lo: str = ""


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    for word in _NOISE:
        text = re.sub(rf"\b{re.escape(word)}\b", " ", text)
    return re.sub(r"[^0-9a-z\u0e80-\u0eff]+", "", text)


@functools.cache
def province_names() -> dict[str, str]:
    """Every accepted spelling (folded) -> the English province name."""
    from course.data import provinces

    table = provinces()
    names: dict[str, str] = {}
    for code, english, lao in zip(table.code, table.name_en, table.name_lo, strict=True):
        for spelling in (english, code, code.split("-")[-1], *SPELLINGS.get(english, ())):
            names[_fold(spelling)] = english
            if english != "Vientiane Capital":  # "Vientiane" alone is ambiguous
                names[_fold(spelling) + "province"] = english
        names[unicodedata.normalize("NFC", lao).replace(" ", "")] = english
    return names


def province(text: str) -> str | None:
    """The English name of the province `text` names, or None."""
    names = province_names()
    cleaned = text.strip()
    lao = unicodedata.normalize("NFC", cleaned).replace(" ", "")
    return names.get(lao) or names.get(_fold(cleaned))


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(t("grade.roster.not_utf8", file=source)) from None


def parse(text: str, source: str = "roster") -> tuple[list[Trainee], list[str]]:
    """Read roster CSV text; return the good rows and one message per bad row."""
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise UserError(t("grade.roster.empty", file=source))
    try:
        dialect = csv.Sniffer().sniff(lines[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = [
        _HEADERS.get(re.sub(r"[^a-z]+", "_", h.strip().casefold()).strip("_"), "")
        for h in next(reader)
    ]
    missing = [f for f in FIELDS[:3] if f not in header]
    if missing:
        raise UserError(t("grade.roster.columns", file=source, missing=", ".join(missing)))
    good: list[Trainee] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {
            name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header) if name
        }
        problem = _check(values, seen, number)
        if problem:
            errors.append(t("grade.roster.bad_row", file=source, line=number, problem=problem))
            continue
        seen[values["trainee_id"].casefold()] = number
        good.append(
            Trainee(
                values["trainee_id"],
                values["name"],
                province(values["ppa"]) or "",
                values.get("email", ""),
                unicodedata.normalize("NFC", values.get("name_lo", "")),
            )
        )
    return good, errors


def _check(values: dict[str, str], seen: dict[str, int], number: int) -> str | None:
    trainee = values.get("trainee_id", "")
    if not trainee:
        return t("grade.roster.no_id")
    if not ID_PATTERN.match(trainee):
        return t("grade.roster.bad_id", id=trainee)
    if trainee.casefold() in seen:
        return t("grade.roster.duplicate_id", id=trainee, line=seen[trainee.casefold()])
    if not values.get("name"):
        return t("grade.roster.no_name", id=trainee)
    if not values.get("ppa"):
        return t("grade.roster.no_ppa", id=trainee)
    if province(values["ppa"]) is None:
        hint = (
            t("grade.roster.vientiane_hint")
            if _fold(values["ppa"]) in ("vientiane", "viangchan")
            else ""
        )
        return (t("grade.roster.bad_ppa", ppa=values["ppa"]) + " " + hint).strip()
    email = values.get("email", "")
    if email and not EMAIL_PATTERN.match(email):
        return t("grade.roster.bad_email", email=email)
    lao = unicodedata.normalize("NFC", values.get("name_lo", ""))
    if lao and not LAO_NAME.match(lao):
        return t("grade.roster.bad_name_lo", id=trainee, name=lao)
    return None


def roster_path(root: Path) -> Path:
    return root / "dgt" / "roster.csv"


def load(root: Path) -> list[Trainee]:
    """The workspace's roster (empty if none was imported)."""
    path = roster_path(root)
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [Trainee(**{k: row.get(k, "") for k in FIELDS}) for row in csv.DictReader(handle)]


def save(root: Path, trainees: list[Trainee]) -> None:
    """Write the roster atomically."""
    path = roster_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"roster.csv.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, FIELDS)
        writer.writeheader()
        for trainee in sorted(trainees, key=lambda x: x.trainee_id):
            writer.writerow(asdict(trainee))
    tmp.replace(path)


def import_file(root: Path, db_url: str, file: Path) -> tuple[list[Trainee], list[str]]:
    """Check `file` and, if every row is good, merge it into the roster and the gradebook.

    Returns (imported trainees, messages for bad rows); with bad rows nothing is changed.
    """
    try:
        data = file.read_bytes()
    except OSError as error:
        raise UserError(t("grade.roster.unreadable", file=file, reason=error.strerror)) from None
    good, errors = parse(_decode(data, file.name), file.name)
    if errors:
        return [], errors
    if not good:
        raise UserError(t("grade.roster.empty", file=file.name))
    merged = {x.trainee_id: x for x in load(root)}
    merged.update({x.trainee_id: x for x in good})
    _to_gradebook(db_url, good)
    save(root, list(merged.values()))
    return good, []


def _to_gradebook(db_url: str, trainees: list[Trainee]) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        for trainee in trainees:
            first, _, last = trainee.name.partition(" ")
            gradebook.update_or_create_student(
                trainee.trainee_id, first_name=first, last_name=last, email=trainee.email or None
            )
