"""Practice checks and hints for the A3 Online and hybrid work exercise.

The exercise reads its given lists (file names, paths, the draft e-mail) from here, so
the notebook and the checks always use the same ones.
"""

from __future__ import annotations

from course import data, hybrid, teamwork
from course.learn import (
    Check,
    Questions,
    close_to,
    in_range,
    is_instance,
    is_number,
    one_of,
    same_set,
    text_list,
    within,
)

PROVINCE = "Sekong"
DEVICES, VIDEOS = 3, 4

#: The files in the shared folder of question 5.
FILE_NAMES = (
    "2024-06-12_hybrid-meeting-notes_v03.docx",
    "meeting notes final.docx",
    "2024-06-20_session-agenda_final_v02.docx",
    "20-06-2024_session-agenda_v01.docx",
    "2024-07-01_staff-list_v01.xlsx",
    "2024-06-05_budget-request_v1.xlsx",
    "2024-05-28_citizen-requests-summary_v02.pdf",
)

#: The paths of question 7, checked against `teamwork.OFFICE_TREE`.
PATHS = (
    "01_sessions/minutes/2024-06-20_session-minutes_v01.docx",
    "04_reports/monthly/2024-06-30_monthly-report_v02.docx",
    "2024-06-12_hybrid-meeting-notes_v03.docx",
    "02_meetings/hybrid/2024-06-12_hybrid-meeting-notes_v03.docx",
    "05_admin/staff/old/2023-01-10_staff-list_v01.xlsx",
    "My Documents/report.docx",
    "03_citizen-requests/2024-06-01_requests-register_v05.xlsx",
    "06_templates/letters/2024-01-15_letter-template_v01.docx",
)

#: The draft e-mail of question 8.
DRAFT_SUBJECT = "Meeting"
DRAFT_BODY = """Dear Mr Somchanh,

The hybrid meeting with the district offices is on 20 June 2024 at 9:00. The agenda is attached.

Could you tell me the names of the two staff who will join online by Friday 14 June?

Best regards,
Khamla
PPA Secretariat"""
DRAFT_ATTACHMENTS: tuple[str, ...] = ()


def _speeds() -> tuple[float, float]:
    tests = data.synthetic("ppa_speed_tests")
    rows = tests[tests["province"] == PROVINCE]
    return hybrid.planning_speed(rows["download_mbps"]), hybrid.planning_speed(rows["upload_mbps"])


def _bad_names() -> set[str]:
    return {n for n in FILE_NAMES if teamwork.check_file_name(n)}


def _bad_paths() -> set[str]:
    return {p for p in PATHS if teamwork.check_path(p)}


def right_name(value: str) -> bool:
    """Question 6's one definition of a right name: the day, version 1, a Word file, and a
    description that says what and when ("minutes", "june"); the hidden test uses it too."""
    return (
        value.startswith("2024-06-20_")
        and teamwork.version_of(value) == 1
        and value.endswith(".docx")
        and "minutes" in value.lower()
        and "june" in value.lower()
    )


q = Questions("A3")

QUESTIONS = [
    q(
        "q1",
        "uplink_kbps",
        hints=3,
        checks=[
            is_number(),
            in_range(0, 100_000),
            close_to(lambda: hybrid.need("sd_video", DEVICES).up_kbps, 0.5, "value"),
        ],
    ),
    q(
        "q2",
        "sekong_upload",
        hints=3,
        checks=[is_number(), in_range(0, 1000), close_to(lambda: _speeds()[1], 0.01, "value")],
    ),
    q(
        "q3",
        "sekong_mode",
        hints=3,
        checks=[
            is_instance(str, "text"),
            one_of([m.key for m in hybrid.MODES]),
            Check(
                "value",
                lambda v: v == hybrid.best_mode(*_speeds(), devices=DEVICES, videos_shown=VIDEOS),
            ),
        ],
    ),
    q(
        "q4",
        "meeting_mb",
        hints=3,
        checks=[
            is_number(),
            in_range(0, 100_000),
            close_to(lambda: 2 * hybrid.data_per_hour_mb(80 + 250), 0.5, "value"),
        ],
    ),
    q(
        "q5",
        "bad_names",
        points=2,
        hints=3,
        checks=[text_list(), within(lambda: FILE_NAMES), same_set(_bad_names)],
    ),
    q(
        "q6",
        "new_name",
        hints=3,
        checks=[
            is_instance(str, "text"),
            Check("rules", lambda v: not teamwork.check_file_name(v)),
            Check("parts", right_name),
        ],
    ),
    q(
        "q7",
        "misplaced",
        points=2,
        hints=3,
        checks=[text_list(), within(lambda: PATHS), same_set(_bad_paths)],
    ),
    q(
        "q8",
        "missing",
        hints=2,
        checks=[
            text_list(),
            within(lambda: teamwork.EMAIL_ITEMS),
            same_set(lambda: teamwork.email_missing(DRAFT_SUBJECT, DRAFT_BODY, DRAFT_ATTACHMENTS)),
        ],
    ),
]
