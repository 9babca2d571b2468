"""`dgt grade certificates`: one printable certificate of completion per trainee who met the course's rule.

The rule: every module's exercise scored at least `min_percent` (default 60 %). A trainer
sets another in `<workspace>/dgt/certificates.toml` (`min_percent = 70`, `trainer = "..."`,
`modules = ["A0", "A1", ...]` to require only some modules) or with the command's options.

Each page shows the name (and the Lao name when the roster has one, in the course's
embedded Noto Sans Lao), the modules completed, the date, the issuing trainer and a short
code. The code is an HMAC of trainee id, modules and date with a secret kept in the
workspace (`dgt/certificate.key`); every certificate issued is listed in
`dgt/certificates.csv`, so `dgt grade certificates --verify CODE` tells an office whether
a code is genuine. Pages are HTML and one PDF through the course's chromium print route,
with no request outside the files.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import html
import io
import os
import secrets
import tomllib
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path

from autograder import roster
from autograder.workspace import write_atomically
from course.errors import UserError
from course.manifest import curriculum
from course.messages import t
from course.printing import lao_font_face

esc = html.escape
DEFAULT_MIN_PERCENT = 60.0
LEDGER_FIELDS = ("code", "trainee_id", "name", "modules", "date", "trainer")


@dataclass(frozen=True)
class Settings:
    """The certificate rule and the issuing trainer."""

    min_percent: float = DEFAULT_MIN_PERCENT
    trainer: str = ""
    modules: tuple[str, ...] = ()

    def required(self) -> list[str]:
        """The module ids the rule requires (all modules unless the settings name some)."""
        if not self.modules:
            return [m.id for m in curriculum().modules]
        return [curriculum().module(code).id for code in self.modules]


def settings_path(root: Path) -> Path:
    return root / "dgt" / "certificates.toml"


def load_settings(root: Path, min_percent: float | None = None, trainer: str | None = None):
    """The workspace's settings, with the command's options taking precedence."""
    data: dict = {}
    path = settings_path(root)
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise UserError(t("grade.cert.bad_settings", path=path, reason=error)) from None
    settings = Settings(
        float(min_percent if min_percent is not None else data.get("min_percent", 60)),
        (trainer if trainer is not None else str(data.get("trainer", ""))).strip(),
        tuple(data.get("modules", ())),
    )
    if not 0 <= settings.min_percent <= 100:
        raise UserError(t("grade.cert.bad_percent", value=settings.min_percent))
    if not settings.trainer:
        raise UserError(t("grade.cert.no_trainer", path=path))
    settings.required()  # an unknown module code is a clear error now
    return settings


def eligible(rows, required: list[str], min_percent: float) -> dict[str, list[str]]:
    """{trainee: modules completed} for every trainee with every required module ≥ min_percent."""
    best: dict[tuple[str, str], float] = {}
    for row in rows:
        if row.submitted and row.assignment in required:
            key = (row.trainee, row.assignment)
            best[key] = max(best.get(key, 0.0), row.percent)
    trainees = sorted({trainee for trainee, _ in best})
    return {
        trainee: list(required)
        for trainee in trainees
        if all(best.get((trainee, m), -1) >= min_percent for m in required)
    }


def _key(root: Path) -> bytes:
    """The workspace's secret, made on first use (never shown, never in a certificate)."""
    path = root / "dgt" / "certificate.key"
    if not path.is_file():
        write_atomically(path, secrets.token_hex(32) + "\n", mode=0o600)
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def code(key: bytes, trainee: str, modules: list[str], issued: str) -> str:
    """A 10-character code, e.g. "K7Q2M-9XH4T": HMAC-SHA256 of trainee, modules and date."""
    message = "|".join([trainee, ",".join(modules), issued]).encode("utf-8")
    digest = hmac.new(key, message, hashlib.sha256).digest()
    text = base64.b32encode(digest).decode("ascii")[:10]
    return f"{text[:5]}-{text[5:]}"


def _ledger(root: Path) -> Path:
    return root / "dgt" / "certificates.csv"


def _read_ledger(root: Path) -> list[dict[str, str]]:
    path = _ledger(root)
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def verify(root: Path, given: str) -> dict[str, str]:
    """The ledger entry of a genuine code; UserError if the code is unknown or does not match."""
    wanted = given.strip().upper().replace(" ", "")
    for entry in _read_ledger(root):
        if entry["code"] == wanted:
            expected = code(
                _key(root), entry["trainee_id"], entry["modules"].split(";"), entry["date"]
            )
            if hmac.compare_digest(expected, wanted):
                return entry
    raise UserError(t("grade.cert.not_genuine", code=given))


_CSS = """
@page { size: A4; }
body { font-family: "DGT Noto Sans Lao", "Noto Sans", "DejaVu Sans", Arial, sans-serif;
  color: #111; margin: 0; }
.page { break-after: page; text-align: center; padding: 30mm 10mm 0; }
.page:last-child { break-after: auto; }
h1 { font-size: 26pt; margin: 0 0 12mm; color: #2166ac; }
.name { font-size: 24pt; font-weight: bold; margin: 4mm 0; }
.name-lo { font-size: 20pt; margin: 2mm 0 8mm; }
ul { list-style: none; padding: 0; font-size: 12pt; line-height: 1.6; }
.meta { margin-top: 12mm; font-size: 12pt; }
.code { margin-top: 14mm; font-family: monospace; font-size: 13pt; letter-spacing: 1px; }
.note { font-size: 9pt; color: #444; }
"""


def _page(trainee: roster.Trainee, modules: list[str], issued: str, trainer: str, key: str) -> str:
    titles = [t(curriculum().module(m).title_key) for m in modules]
    lao = f"<p class='name-lo' lang='lo'>{esc(trainee.name_lo)}</p>" if trainee.name_lo else ""
    items = "".join(f"<li>{esc(title)}</li>" for title in titles)
    return (
        "<section class='page'>"
        f"<h1>{esc(t('grade.cert.title'))}</h1>"
        f"<p>{esc(t('grade.cert.certifies'))}</p>"
        f"<p class='name'>{esc(trainee.name or trainee.trainee_id)}</p>{lao}"
        f"<p>{esc(t('grade.cert.completed', count=len(modules)))}</p><ul>{items}</ul>"
        f"<p class='meta'>{esc(t('grade.cert.issued', date=issued, trainer=trainer))}</p>"
        f"<p class='code'>{esc(t('grade.cert.code', code=key))}</p>"
        f"<p class='note'>{esc(t('grade.cert.check_note'))}</p>"
        "</section>"
    )


def certificates(
    workspace,
    settings: Settings,
    issued: str | None = None,
    rows=None,
    target: Path | None = None,
    pdf: bool = True,
) -> tuple[list[str], Path]:
    """Write the certificates of every trainee who met the rule; return (trainee ids, folder).

    `rows` defaults to the workspace's results. The folder (default
    `<workspace>/certificates`) gets certificates.html and certificates.pdf, one page per
    trainee; the ledger `dgt/certificates.csv` gets one line per certificate.
    """
    if rows is None:
        from autograder import results

        rows = results.rows(workspace)
    issued = issued or Date.today().isoformat()
    try:
        Date.fromisoformat(issued)
    except ValueError:
        raise UserError(t("grade.cert.bad_date", date=issued)) from None
    root = workspace.root
    required = settings.required()
    winners = eligible(rows, required, settings.min_percent)
    if not winners:
        raise UserError(t("grade.cert.nobody", percent=f"{settings.min_percent:g}"))
    people = {p.trainee_id: p for p in roster.load(root)}
    names = {r.trainee: r.name for r in rows}
    key = _key(root)
    pages, entries = [], []
    for trainee_id, modules in winners.items():
        person = people.get(trainee_id) or roster.Trainee(trainee_id, names.get(trainee_id, ""), "")
        short = code(key, trainee_id, modules, issued)
        pages.append(_page(person, modules, issued, settings.trainer, short))
        entries.append(
            {
                "code": short,
                "trainee_id": trainee_id,
                "name": person.name,
                "modules": ";".join(modules),
                "date": issued,
                "trainer": settings.trainer,
            }
        )
    folder = target or root / "certificates"
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{esc(t('grade.cert.title'))}</title>"
        f"<style>{lao_font_face()}\n{_CSS}</style></head><body>"
        + "".join(pages)
        + "</body></html>\n"
    )
    source = folder / "certificates.html"
    write_atomically(source, page)
    if pdf:
        from course.printing import print_to_pdf

        tmp = folder / f"certificates.pdf.{os.getpid()}.tmp"
        print_to_pdf(source, tmp)
        tmp.replace(folder / "certificates.pdf")
    known = {(e["code"]) for e in _read_ledger(root)}
    ledger = _read_ledger(root) + [e for e in entries if e["code"] not in known]
    path = _ledger(root)
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, LEDGER_FIELDS)
    writer.writeheader()
    writer.writerows(ledger)
    write_atomically(path, buffer.getvalue())
    return list(winners), folder
