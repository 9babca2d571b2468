"""course.security: password estimates, phishing red flags and 3-2-1 backup checks (module A2)."""

import math

import numpy as np
import pandas as pd
import pytest

from course import data, messages, security
from course.errors import UserError


def test_entropy_is_length_times_log2_alphabet():
    """8 random lower-case letters and digits give 8 × log2(36) ≈ 41.36 bits; a 4-digit PIN 13.29."""
    assert security.entropy_bits(8, 36) == pytest.approx(8 * math.log2(36))
    assert security.entropy_bits(8, 36) == pytest.approx(41.359, abs=1e-3)
    assert security.entropy_bits(4, 10) == pytest.approx(math.log2(10_000))
    assert security.entropy_bits(np.int64(4), 10) == pytest.approx(13.2877, abs=1e-4)


def test_passphrase_counts_words_not_letters():
    """5 words from a 7,776-word list give 5 × log2(7776) ≈ 64.62 bits, whatever the words' length."""
    assert security.passphrase_bits(5) == pytest.approx(5 * math.log2(7776))
    assert security.passphrase_bits(5) == pytest.approx(64.624, abs=1e-3)
    assert security.passphrase_bits(1, 2) == 1.0


def test_alphabet_counts_the_classes_used():
    """Lower + digits = 36; all four ASCII classes = 95; a Lao letter adds the 'other' class."""
    assert security.alphabet_size("abc123") == 36
    assert security.alphabet_size("Ab1!") == 95
    assert security.character_classes("ສະບາຍດີ1") == ["digits", "other"]
    assert security.alphabet_size("a b") == 26 + 33


def test_time_to_try_all_at_stated_rates():
    """2**bits guesses at the stated rate; the 5-word passphrase takes about 90 years offline."""
    assert security.guesses(10) == 1024
    assert security.seconds_to_try_all(10, 1024) == 1
    assert security.seconds_to_try_all(20, "online") == pytest.approx(2**20 / 10)
    years = security.years_to_try_all(security.passphrase_bits(5), "offline")
    assert years == pytest.approx(90.15, abs=0.01)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.2, "less than a second"),
        (30, "30.0 seconds"),
        (7200, "2.0 hours"),
        (3 * 86400, "3.0 days"),
        (2.5e6 * 365 * 86400, "2.5 million years"),
    ],
)
def test_readable_time(seconds, text):
    """Durations read in plain words, with thousand/million/billion for long times."""
    assert security.readable_time(seconds) == text


@pytest.mark.parametrize(
    ("password", "patterns", "rating"),
    [
        ("Sekong2024!", ["common_word", "year"], "weak"),
        ("P@ssw0rd2019", ["common_word", "year"], "weak"),
        ("qwerty12345678", ["common_word", "sequence"], "weak"),
        ("aaaa", ["repeat", "one_kind"], "weak"),
        ("T4x!pR8w", [], "fair"),
        ("k7#Qm2!vR9zL", [], "strong"),
    ],
)
def test_patterns_make_a_password_weak(password, patterns, rating):
    """Place names, years (also with 0 for o, @ for a), runs and repeats are found and rate 'weak'."""
    estimate = security.estimate(password)
    assert list(estimate.patterns) == patterns
    assert estimate.rating == rating
    assert estimate.bits == pytest.approx(security.entropy_bits(len(password), estimate.alphabet))


def test_estimate_describes_itself_in_words():
    """The description says bits, time, the rating and each pattern, from the catalogue."""
    text = str(security.estimate("Sekong2024!"))
    assert "72.3 bits" in text and "weak" in text and "year" in text


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: security.entropy_bits(0, 26), "`length` should be a whole number"),
        (lambda: security.entropy_bits(8.5, 26), "`length` should be a whole number"),
        (lambda: security.entropy_bits(8, 1), "`alphabet` should be a whole number"),
        (lambda: security.entropy_bits(True, 26), "`length`"),
        (lambda: security.passphrase_bits(float("nan")), "`words`"),
        (lambda: security.estimate(""), "at least one character"),
        (lambda: security.estimate(None), "at least one character"),
        (lambda: security.guesses(-1), "Bits should be a number"),
        (lambda: security.seconds_to_try_all(10, 0), "above 0"),
        (lambda: security.seconds_to_try_all(10, "fast"), "no guess rate called 'fast'"),
        (lambda: security.readable_time(-5), "0 or more"),
    ],
)
def test_bad_password_input_gets_a_clear_message(call, message):
    """Zero, fractional, boolean or missing values raise UserError with plain words."""
    with pytest.raises(UserError, match=message):
        call()


def test_domain_is_read_from_the_right():
    """A trusted name at the start of a longer domain is not trusted; sub-domains are."""
    assert security.domain_of("HR <hr@ppa.example.org.salary-update.invalid>") == (
        "ppa.example.org.salary-update.invalid"
    )
    assert not security.is_trusted("ppa.example.org.salary-update.invalid")
    assert security.is_trusted("files.ppa.example.org")
    assert not security.is_trusted("ppa-example.org")
    assert security.links("see https://files.ppa.example.org/a and http://203.0.113.5/x") == [
        "files.ppa.example.org",
        "203.0.113.5",
    ]


def test_red_flags_of_one_message():
    """Each rule finds its flag; a plain message from a trusted sender has none."""
    flags = security.red_flags(
        "IT <it@mail.invalid>", "URGENT", "Enter your password at http://203.0.113.5/login"
    )
    assert flags == list(security.RED_FLAGS)
    assert security.red_flags("a@ppa.example.org", "Agenda", "The agenda is attached.") == []
    assert security.red_flags("a@ppa.example.org", "Opinion", "Your opinion on shopping") == []


def test_rules_find_the_labelled_flags_of_every_synthetic_message():
    """On the SYNTHETIC messages the rules find exactly the labelled flags, and only phishing is flagged."""
    table = data.synthetic("phishing_messages")
    flagged = security.flag_messages(table)
    for _, row in flagged.iterrows():
        found = ";".join(f for f in security.RED_FLAGS if row[f]) or "none"
        assert found == row["red_flags"], row["message_id"]
    assert list(flagged["flag_count"] > 0) == list(table["phishing"])
    assert "flag_count" not in table.columns  # the original is unchanged


def test_phishing_data_uses_only_reserved_names():
    """Every address and link in the SYNTHETIC messages is under example.org, .invalid or 203.0.113.x."""
    table = data.synthetic("phishing_messages")
    for sender, body in zip(table["sender"], table["body"], strict=True):
        for host in [security.domain_of(sender), *security.links(body)]:
            assert (
                host.endswith("example.org")
                or host.endswith(".invalid")
                or host.startswith("203.0.113.")
            ), host


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: security.domain_of("no-at-sign"), "exactly one @"),
        (lambda: security.domain_of(None), "exactly one @"),
        (lambda: security.flag_messages(pd.DataFrame({"sender": []})), "subject, body"),
    ],
)
def test_bad_message_input_gets_a_clear_message(call, message):
    """An address without @ or a table without the needed columns raises UserError."""
    with pytest.raises(UserError, match=message):
        call()


def _plan(*rows):
    return pd.DataFrame(
        [{"copy": f"copy {i}", "medium": m, "location": loc} for i, (m, loc) in enumerate(rows)]
    )


def test_backup_plan_3_2_1():
    """3 copies on 2 media with 1 off site passes; each missing part is named."""
    good = _plan(("computer", "office"), ("external_disk", "office"), ("cloud", "off_site"))
    assert security.check_backup_plan(good).ok
    assert "3-2-1" in str(security.check_backup_plan(good))
    two = security.check_backup_plan(_plan(("computer", "office"), ("external_disk", "office")))
    assert two.problems == ("too_few_copies", "no_off_site")
    same = security.check_backup_plan(
        [{"medium": "usb_stick", "location": "office"}] * 2
        + [{"medium": "usb_stick", "location": "off_site"}]
    )
    assert same.problems == ("too_few_media",)
    assert "1 kind of medium" in same.messages()[0]


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        (pd.DataFrame({"medium": [], "location": []}), "no rows"),
        (pd.DataFrame({"medium": ["computer"]}), "location"),
        (_plan(("floppy", "office")), "no medium called 'floppy'"),
        (_plan(("computer", "home")), "no location called 'home'"),
    ],
)
def test_bad_backup_plan_gets_a_clear_message(plan, message):
    """An empty plan, a missing column or an unknown medium or location raises UserError."""
    with pytest.raises(UserError, match=message):
        security.check_backup_plan(plan)


def test_every_computed_message_key_exists():
    """The keys built at run time (ratings, patterns, times, backup problems) are in the catalogue."""
    english = messages.catalogue("en")
    keys = [f"security.rating.{name}" for name in ("weak", "fair", "strong")]
    keys += [f"security.weakness.{name}" for name in security.WEAKNESSES]
    keys += [
        f"security.backup.{name}"
        for name in ("ok", "too_few_copies", "too_few_media", "no_off_site")
    ]
    units = ("instant", "seconds", "minutes", "hours", "days", "years")
    keys += [
        f"security.time.{u}" for u in (*units, "thousand_years", "million_years", "billion_years")
    ]
    assert [k for k in keys if k not in english] == []
