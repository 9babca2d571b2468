"""course.teamwork: file-name, shared-folder and e-mail checklist rules (module A3)."""

import datetime as dt

import pytest

from course import messages, teamwork
from course.errors import UserError


@pytest.mark.parametrize(
    ("name", "problems"),
    [
        ("2024-05-20_sekong-ppa-meeting-minutes_v02.docx", []),
        ("2024-06-12_Hybrid-Meeting_v10.xlsx", []),
        ("meeting notes final.docx", ["spaces", "no_date", "vague_word", "no_version"]),
        ("2024-06-20_session-agenda_final_final_v02.docx", ["vague_word"]),
        ("2024-06-20_agenda copy_v02.docx", ["spaces", "vague_word"]),
        ("20-06-2024_session-agenda_v01.docx", ["no_date"]),
        ("2024-13-01_agenda_v01.docx", ["bad_date"]),
        ("2024-06-05_budget-request_v1.xlsx", ["no_version"]),
        ("2024-06-05_budget-request_v01", ["no_version", "no_extension"]),
        ("2024-06-05_ລາຍງານ_v01.docx", ["characters"]),
    ],
)
def test_file_name_rules(name, problems):
    """Date first (a real ISO date), no spaces, Latin letters, a two-digit version, no vague words."""
    assert teamwork.check_file_name(name) == problems


def test_explain_and_table():
    """Problems are explained in plain words; the table marks each name ok or not."""
    texts = teamwork.explain_file_name("meeting notes final.docx")
    assert texts[0] == messages.t("teamwork.file.spaces")
    table = teamwork.check_file_names(["2024-07-01_staff-list_v01.xlsx", "notes.docx"])
    assert list(table["ok"]) == [True, False]
    assert table.loc[1, "problems"] == "no_date, no_version"
    assert list(teamwork.check_file_names([]).columns) == ["name", "ok", "problems"]


def test_make_file_name_follows_the_rules():
    """make_file_name builds a name that passes the checks, from text or a date."""
    name = teamwork.make_file_name("2024-06-20", "Minutes of the June session!")
    assert name == "2024-06-20_minutes-of-the-june-session_v01.docx"
    assert teamwork.check_file_name(name) == []
    assert teamwork.make_file_name(dt.date(2024, 1, 5), "Staff list", 3, ".XLSX") == (
        "2024-01-05_staff-list_v03.xlsx"
    )
    assert teamwork.slug("Café  report") == "cafe-report"


def test_versions():
    """version_of reads _vNN; next_version adds one and keeps the rest of the name."""
    name = "2024-06-12_hybrid-meeting-notes_v03.docx"
    assert teamwork.version_of(name) == 3
    assert teamwork.next_version(name) == "2024-06-12_hybrid-meeting-notes_v04.docx"
    assert teamwork.next_version("2024-06-12_notes_v09.pdf") == "2024-06-12_notes_v10.pdf"


@pytest.mark.parametrize(
    ("path", "problems"),
    [
        ("01_sessions/minutes/2024-06-20_session-minutes_v01.docx", []),
        ("03_citizen-requests/2024-06-01_requests-register_v05.xlsx", []),
        ("02_meetings\\hybrid\\2024-06-12_notes_v01.docx", []),
        ("2024-06-12_notes_v03.docx", ["loose_file"]),
        ("05_admin/staff/old/2023-01-10_staff-list_v01.xlsx", ["too_deep"]),
        ("06_templates/letters/2024-01-15_letter_v01.docx", ["unknown_sub"]),
        ("My Documents/report.docx", ["unknown_top", "no_date", "no_version"]),
    ],
)
def test_paths_against_the_office_tree(path, problems):
    """A file sits in an agreed top folder or one of its sub-folders, no deeper, with a good name."""
    assert teamwork.check_path(path) == problems


def test_paths_table_and_tree_text():
    """check_paths gives one row per path; explain_path uses the catalogue; the tree prints."""
    table = teamwork.check_paths(["2024-06-12_notes_v03.docx"])
    assert table.loc[0, "problems"] == "loose_file"
    assert teamwork.explain_path("2024-06-12_notes_v03.docx") == [
        messages.t("teamwork.path.loose_file")
    ]
    assert teamwork.show_tree({"01_a": ("b",)}) == "01_a/\n    b/"


GOOD_BODY = """Dear Ms Keo,

The agenda for the hybrid meeting on 20 June is attached.
Could you confirm by Friday 14 June who will join online?

Best regards,
Khamla
PPA Secretariat"""


def test_a_good_email_passes_every_item():
    """An e-mail with a specific subject, greeting, one request, deadline, signature and attachment passes."""
    checklist = teamwork.email_checklist(
        "Hybrid meeting on 20 June: please confirm participants", GOOD_BODY, ["agenda.pdf"]
    )
    assert checklist == dict.fromkeys(teamwork.EMAIL_ITEMS, True)
    assert teamwork.email_missing("Hybrid meeting 20 June agenda", GOOD_BODY, ["a.pdf"]) == []


def test_each_missing_item_is_found():
    """Each rule catches its own problem."""
    assert teamwork.email_missing("Request", GOOD_BODY, ["a.pdf"]) == ["subject"]
    assert teamwork.email_missing("Hybrid meeting agenda", GOOD_BODY, []) == ["attachments"]
    no_greeting = GOOD_BODY.replace("Dear Ms Keo,", "Ms Keo,")
    assert "greeting" in teamwork.email_missing("Hybrid meeting agenda", no_greeting, ["a"])
    two_requests = GOOD_BODY.replace("online?", "online? Please also send the slides.")
    assert "one_request" in teamwork.email_missing("Hybrid meeting agenda", two_requests, ["a"])
    no_deadline = GOOD_BODY.replace(" by Friday 14 June", "")
    assert teamwork.email_missing("Hybrid meeting agenda", no_deadline, ["a"]) == ["deadline"]
    no_signature = GOOD_BODY.split("Best regards")[0]
    assert teamwork.email_missing("Hybrid meeting agenda", no_signature, ["a"]) == ["signature"]
    assert (
        teamwork.count_requests("Please find the report attached. Please confirm by Monday.") == 1
    )


def test_email_report_has_a_word_label_for_every_item():
    """The report shows Done or Missing next to each item, from the catalogue."""
    report = teamwork.email_report("Meeting", GOOD_BODY, [])
    lines = report.splitlines()
    assert len(lines) == len(teamwork.EMAIL_ITEMS)
    assert lines[0].startswith(messages.t("teamwork.email.missing"))
    assert lines[1].startswith(messages.t("teamwork.email.done"))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: teamwork.check_file_name(""), "The file name should be text"),
        (lambda: teamwork.check_file_name(None), "The file name should be text"),
        (lambda: teamwork.make_file_name("20-06-2024", "minutes"), "'20-06-2024' is not a date"),
        (lambda: teamwork.make_file_name(20240620, "minutes"), "is not a date"),
        (lambda: teamwork.make_file_name("2024-06-20", "ລາຍງານ"), "no Latin letters"),
        (lambda: teamwork.make_file_name("2024-06-20", "minutes", 0), "from 1 to 999"),
        (
            lambda: teamwork.make_file_name("2024-06-20", "minutes", 1, "do cx"),
            "not a file extension",
        ),
        (lambda: teamwork.next_version("2024-06-20_minutes.docx"), "has no version"),
        (lambda: teamwork.check_path("../secret.docx"), "not a path"),
        (lambda: teamwork.check_path("///"), "not a path"),
        (lambda: teamwork.email_checklist(None, "body"), "The subject should be text"),
        (lambda: teamwork.email_checklist("subject", 42), "The text of the e-mail should be text"),
    ],
)
def test_bad_input_gets_a_clear_message(call, message):
    """Empty names, wrong dates, non-Latin descriptions and odd paths raise UserError in plain words."""
    with pytest.raises(UserError, match=message):
        call()


def test_every_computed_message_key_exists():
    """The keys built at run time (problems, checklist items, names of inputs) are in the catalogue."""
    english = messages.catalogue("en")
    keys = [f"teamwork.file.{p}" for p in teamwork.FILE_NAME_PROBLEMS]
    keys += [f"teamwork.path.{p}" for p in teamwork.PATH_PROBLEMS]
    keys += [f"teamwork.email.{i}" for i in teamwork.EMAIL_ITEMS]
    keys += [
        f"teamwork.what.{w}"
        for w in ("file_name", "description", "extension", "path", "subject", "body")
    ]
    assert [k for k in keys if k not in english] == []
