"""The A2 and A3 practice checks: right answers pass, near misses say "not yet" without the answer."""

import pandas as pd
import pytest

from course import data, hybrid, privacy, security, teamwork
from course.checks import a2_safe_secure_work as a2
from course.checks import a3_online_hybrid_work as a3
from course.learn import NOT_YET, PASS, Exercise


def _a2_right() -> dict:
    requests = data.synthetic("citizen_requests")
    flagged = security.flag_messages(data.synthetic("phishing_messages"))
    plan = pd.DataFrame(list(a2.PLAN))
    extra = pd.DataFrame([{"copy": "monthly", "medium": "cloud", "location": "off_site"}])
    school = requests[requests["topic"] == "school"]
    return {
        "q1": security.entropy_bits(8, 36),
        "q2": security.passphrase_bits(5),
        "q3": security.years_to_try_all(security.passphrase_bits(5), 1e10),
        "q4": [p for p in a2.CANDIDATES if security.estimate(p).rating == "weak"],
        "q5": list(flagged.loc[flagged["flag_count"] > 0, "message_id"]),
        "q6": pd.concat([plan, extra], ignore_index=True),
        "q7": privacy.minimise(school, list(a2.SHARE_COLUMNS)),
        "q8": privacy.mask_column(requests, "phone", 3)["phone"],
    }


def _a2_near_miss() -> dict:
    requests = data.synthetic("citizen_requests")
    return {
        "q1": security.entropy_bits(8, 26),
        "q2": security.entropy_bits(28, 27),  # counted letters, not words
        "q3": security.seconds_to_try_all(security.passphrase_bits(5), 1e10),
        "q4": ["Sekong2024!"],
        "q5": ["M01"],
        "q6": pd.DataFrame(list(a2.PLAN)),
        "q7": requests[requests["topic"] == "school"],
        "q8": privacy.mask_column(requests, "phone", 4)["phone"],
    }


def _a3_right() -> dict:
    tests = data.synthetic("ppa_speed_tests")
    sekong = tests[tests["province"] == "Sekong"]
    down = hybrid.planning_speed(sekong["download_mbps"])
    up = hybrid.planning_speed(sekong["upload_mbps"])
    return {
        "q1": hybrid.need("sd_video", 3).up_kbps,
        "q2": up,
        "q3": hybrid.best_mode(down, up, 3, 4),
        "q4": 2 * hybrid.data_per_hour_mb(330),
        "q5": [n for n in a3.FILE_NAMES if teamwork.check_file_name(n)],
        "q6": teamwork.make_file_name("2024-06-20", "minutes of the June session", 1, "docx"),
        "q7": [p for p in a3.PATHS if teamwork.check_path(p)],
        "q8": teamwork.email_missing(a3.DRAFT_SUBJECT, a3.DRAFT_BODY, a3.DRAFT_ATTACHMENTS),
    }


def _a3_near_miss() -> dict:
    tests = data.synthetic("ppa_speed_tests")
    sekong = tests[tests["province"] == "Sekong"]
    return {
        "q1": 600,
        "q2": float(sekong["upload_mbps"].median()),
        "q3": "SD video",  # a choice question: only a wrong form is "not yet"
        "q4": hybrid.data_per_hour_mb(330),
        "q5": ["meeting notes final.docx"],
        "q6": "2024-06-20_minutes_v02.docx",
        "q7": ["My Documents/report.docx"],
        "q8": ["subject"],
    }


CASES = [
    ("A2-safe-secure-work", _a2_right, _a2_near_miss),
    ("A3-online-hybrid-work", _a3_right, _a3_near_miss),
]


@pytest.mark.parametrize(("module", "right", "near_miss"), CASES, ids=[c[0] for c in CASES])
def test_right_answers_pass_and_near_misses_do_not(module, right, near_miss):
    """Each question's right answer passes; a typical mistake gets 'not yet' naming the variable."""
    ex = Exercise(module)
    good, bad = right(), near_miss()
    assert set(good) == set(ex.questions)
    for name, value in good.items():
        assert ex.check(name, value).status == PASS, name
    for name, value in bad.items():
        result = ex.check(name, value)
        assert result.status == NOT_YET, name
        assert f"`{ex.questions[name].variable}`" in result.message


def test_messages_never_show_the_expected_value():
    """'Not yet' for a number never contains the expected number."""
    ex = Exercise("A2-safe-secure-work")
    assert "41.3" not in ex.check("q1", 40.0).message
    ex3 = Exercise("A3-online-hybrid-work")
    assert "1800" not in ex3.check("q1", 600).message
    assert "audio_slides" not in ex3.check("q3", "sd_video").message
