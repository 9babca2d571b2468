"""Certificates of completion: who gets one, the Lao name, the check code, the PDF (real chromium)."""

import re
import subprocess

import pytest

from autograder import certificates, roster
from autograder.results import Row
from course.errors import UserError
from course.manifest import curriculum

MODULES = [m.id for m in curriculum().modules]
LAO_NAME = "ສົມໃຈ ພົມມະວົງ"


def rows_for(trainee, percent, fail=None, missing=None):
    out = []
    for module in MODULES:
        if module == missing:
            continue
        score = 59.0 if module == fail else percent
        out.append(Row(trainee, "", "Sekong", module, score, 100.0, "graded", [], True))
    return out


@pytest.fixture
def cohort(workspace, tmp_path):
    csv = tmp_path / "roster.csv"
    csv.write_text(
        "trainee_id,name,ppa,name_lo\n"
        f"t1,Somchai Phommavong,Sekong,{LAO_NAME}\n"
        "t2,Noy Keo,Attapeu,\n"
        "t3,Kham Sy,Bokeo,\n"
        "t4,Dao Vong,Salavan,\n",
        encoding="utf-8",
    )
    assert roster.import_file(workspace.root, workspace.db_url(), csv)[1] == []
    rows = (
        rows_for("t1", 80)
        + rows_for("t2", 60)  # exactly the default minimum: passes
        + rows_for("t3", 90, fail="B4-strategy-roadmap")  # one module at 59 %
        + rows_for("t4", 95, missing="A2-safe-secure-work")  # one exercise not submitted
    )
    return workspace, rows


def test_roster_lao_name_is_optional_and_checked():
    good, errors = roster.parse(f"id,name,ppa,lao_name\nt1,A B,Sekong,{LAO_NAME}\nt2,C,Bokeo,\n")
    assert [g.name_lo for g in good] == [LAO_NAME, ""] and not errors
    _, errors = roster.parse("id,name,ppa,name_lo\nt1,A B,Sekong,Somchai\n")
    assert len(errors) == 1 and "not in Lao script" in errors[0]


def test_who_gets_a_certificate_under_the_default_and_another_rule(cohort):
    workspace, rows = cohort
    assert list(certificates.eligible(rows, MODULES, 60)) == ["t1", "t2"]
    assert list(certificates.eligible(rows, MODULES, 70)) == ["t1"]
    track_a = [m for m in MODULES if m.startswith("A")]
    assert list(certificates.eligible(rows, track_a, 60)) == ["t1", "t2", "t3"]
    settings = certificates.settings_path(workspace.root)
    settings.write_text('min_percent = 75\ntrainer = "Trainer K."\n', encoding="utf-8")
    loaded = certificates.load_settings(workspace.root)
    assert (loaded.min_percent, loaded.trainer) == (75, "Trainer K.")
    assert certificates.load_settings(workspace.root, 60, "X").min_percent == 60
    settings.write_text("min_percent = 60\n", encoding="utf-8")
    with pytest.raises(UserError, match="--trainer"):
        certificates.load_settings(workspace.root)


def test_certificates_pdf_lao_name_and_verify_round_trip(cohort):
    workspace, rows = cohort
    settings = certificates.Settings(60, "Trainer K.")
    written, folder = certificates.certificates(workspace, settings, "2026-03-15", rows=rows)
    assert written == ["t1", "t2"]
    page = (folder / "certificates.html").read_text(encoding="utf-8")
    assert LAO_NAME in page and "Noy Keo" in page and "Kham Sy" not in page
    assert "http:" not in page and "https:" not in page and "DGT Noto Sans Lao" in page

    pdf = folder / "certificates.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert re.search(r"^Pages:\s+2$", info.stdout, re.M)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert LAO_NAME.replace(" ", "") in text.replace(" ", "") and "Somchai Phommavong" in text
    assert "Dao Vong" not in text and "Trainer K." in text

    ledger = certificates._read_ledger(workspace.root)
    assert [e["trainee_id"] for e in ledger] == ["t1", "t2"]
    first = ledger[0]["code"]
    assert first in text
    entry = certificates.verify(workspace.root, first.lower())
    assert entry["trainee_id"] == "t1" and entry["date"] == "2026-03-15"
    with pytest.raises(UserError, match="not one of"):
        certificates.verify(workspace.root, "AAAAA-AAAAA")
    # A changed record (another date) no longer matches its code.
    path = workspace.root / "dgt" / "certificates.csv"
    path.write_text(path.read_text().replace("2026-03-15", "2026-03-16", 1), encoding="utf-8")
    with pytest.raises(UserError, match="not one of"):
        certificates.verify(workspace.root, first)


def test_nobody_eligible_is_a_clear_error(cohort):
    workspace, rows = cohort
    with pytest.raises(UserError, match="100%"):
        certificates.certificates(workspace, certificates.Settings(100, "T"), rows=rows, pdf=False)
    assert not (workspace.root / "certificates").exists()
