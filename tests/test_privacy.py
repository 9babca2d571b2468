"""course.privacy: find, minimise, mask and pseudonymise personal data (module A2)."""

import numpy as np
import pandas as pd
import pytest

from course import data, privacy
from course.errors import UserError


@pytest.fixture
def requests():
    return data.synthetic("citizen_requests")


def test_personal_columns_are_found_by_name(requests):
    """Name, sex, birth year, phone and ID number are flagged; topic and status are not."""
    assert privacy.personal_columns(requests) == [
        "full_name",
        "sex",
        "birth_year",
        "phone",
        "id_number",
    ]
    assert privacy.personal_columns(requests[["topic", "status"]]) == []


def test_minimise_keeps_only_the_named_columns_and_leaves_the_original(requests):
    """minimise returns the named columns in order, as a copy."""
    shared = privacy.minimise(requests, ["province", "topic"])
    assert list(shared.columns) == ["province", "topic"]
    assert len(shared) == len(requests)
    shared.loc[0, "topic"] = "changed"
    assert requests.loc[0, "topic"] != "changed"
    assert list(privacy.minimise(requests, "topic").columns) == ["topic"]


@pytest.mark.parametrize(
    ("value", "keep", "masked"),
    [
        ("020 0012 3456", 3, "*** **** *456"),
        ("X12345678", 4, "*****5678"),
        ("ab", 3, "ab"),
        ("1234", 0, "****"),
        (12345, 2, "***45"),
    ],
)
def test_mask_hides_all_but_the_last_characters(value, keep, masked):
    """Letters and digits are hidden except the last `keep`; spaces stay."""
    assert privacy.mask(value, keep) == masked


def test_mask_keeps_missing_values_missing():
    """None and NaN are not turned into text."""
    assert privacy.mask(None) is None
    assert np.isnan(privacy.mask(float("nan")))


def test_mask_column_masks_every_phone_and_leaves_the_original(requests):
    """Every masked phone shows exactly 3 digits, the last 3 of the real number."""
    masked = privacy.mask_column(requests, "phone", keep=3)
    for shown, real in zip(masked["phone"], requests["phone"], strict=True):
        assert sum(c.isdigit() for c in shown) == 3 and shown[-3:] == real[-3:]
    assert requests["phone"].iloc[0][0] == "0"


def test_pseudonyms_are_stable_and_depend_on_the_secret(requests):
    """The same value and secret give the same code; another secret gives another code."""
    one = privacy.pseudonymise(requests, "full_name", "office-secret-1")
    again = privacy.pseudonymise(requests, "full_name", "office-secret-1")
    other = privacy.pseudonymise(requests, "full_name", "office-secret-2")
    assert list(one["full_name"]) == list(again["full_name"])
    assert one["full_name"].iloc[0] != other["full_name"].iloc[0]
    assert one["full_name"].str.match(r"^P-[0-9A-F]{8}$").all()
    same_person = requests["full_name"] == requests["full_name"].iloc[0]
    assert one.loc[same_person, "full_name"].nunique() == 1


@pytest.mark.parametrize(
    ("age", "band"), [(37, "30-39"), (0, "0-9"), (40, "40-49"), (np.int64(65), "60-69")]
)
def test_age_band(age, band):
    """Ages are put in 10-year bands."""
    assert privacy.age_band(age) == band


def test_looks_like_phone():
    """Eight or more digits in a row (with spaces or dashes) look like a phone or ID number."""
    assert privacy.looks_like_phone("call 020 0012 3456 please")
    assert not privacy.looks_like_phone("room 12, floor 3")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda t: privacy.minimise(t, ["nmae"]), "no column\\(s\\) nmae"),
        (lambda t: privacy.minimise(t, []), "at least one column"),
        (lambda t: privacy.minimise([1, 2], ["a"]), "needs a table"),
        (lambda t: privacy.mask_column(t, "phone", keep=-1), "`keep` should be a whole number"),
        (lambda t: privacy.mask_column(t, "telephone"), "no column\\(s\\) telephone"),
        (lambda t: privacy.pseudonymise(t, "full_name", "short"), "at least 8 characters"),
        (lambda t: privacy.pseudonymise(t, "full_name", None), "at least 8 characters"),
        (lambda t: privacy.age_band(-3), "from 0 to 149"),
        (lambda t: privacy.age_band("37"), "from 0 to 149"),
        (lambda t: privacy.age_band(37, 0), "at least 1"),
    ],
)
def test_bad_input_gets_a_clear_message(requests, call, message):
    """Unknown columns, empty choices, short secrets and odd ages raise UserError in plain words."""
    with pytest.raises(UserError, match=message):
        call(requests)


def test_citizen_requests_are_labelled_and_made_up(requests):
    """The SYNTHETIC register says so, and its phone and ID numbers follow the made-up patterns."""
    assert "SYNTHETIC" in data.synthetic_label("citizen_requests")
    assert requests["phone"].str.match(r"^020 00\d\d \d{4}$").all()
    assert requests["id_number"].str.match(r"^X\d{8}$").all()
    assert set(requests["province"]) <= set(data.provinces()["name_en"])
    assert isinstance(requests, pd.DataFrame) and len(requests) == 60
