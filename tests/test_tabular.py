"""course.tabular: spellings, province names, amounts, missing values, duplicates, Excel files."""

import pandas as pd
import pytest

from course import data, tabular
from course.errors import UserError


def test_fold_ignores_case_spaces_hyphens_and_accents():
    """Folding makes "  Se-Kong " and "SEKONG" the same key."""
    assert tabular.fold("  Se-Kong ") == tabular.fold("SEKONG") == "sekong"
    assert tabular.fold("Champassak.") == "champassak"


@pytest.mark.parametrize(
    ("typed", "standard"),
    [
        ("Sekong", "Sekong"),
        ("Xekong", "Sekong"),
        ("SE KONG ", "Sekong"),
        ("Salavan", "Salavan"),
        ("Saravane", "Salavan"),
        ("Xayaboury", "Xayaboury"),
        ("Sainyabuli", "Xayaboury"),
        ("Vientiane Prefecture", "Vientiane Capital"),
        ("vientiane capital", "Vientiane Capital"),
        ("Vientiane Province", "Vientiane Province"),
        ("Champasack", "Champasak"),
        ("Attapu", "Attapeu"),
        ("Bolikhamxai", "Borikhamxay"),
        ("ເຊກອງ", "Sekong"),
        ("LA-XE", "Sekong"),
    ],
)
def test_province_spellings_become_the_standard_name(typed, standard):
    """Romanisations, case and spacing variants, Lao script and ISO codes all map to name_en."""
    assert tabular.standard_province(typed) == standard


def test_every_standard_province_name_maps_to_itself():
    """The 18 names of data.provinces() are their own standard spelling."""
    names = data.provinces()["name_en"]
    assert list(tabular.clean_provinces(names)) == list(names)


def test_clean_provinces_keeps_blanks_missing_and_the_index():
    """Blank and missing cells stay missing; the index and name are kept."""
    values = pd.Series(["Xekong", None, "  ", "Saravane"], index=[10, 11, 12, 13], name="home")
    cleaned = tabular.clean_provinces(values)
    assert list(cleaned.index) == [10, 11, 12, 13] and cleaned.name == "home"
    assert cleaned[10] == "Sekong" and cleaned[13] == "Salavan"
    assert cleaned[[11, 12]].isna().all()


def test_ambiguous_or_unknown_province_is_a_clear_error():
    """A bare "Vientiane" (Capital or Province?) and a typo are named, not guessed."""
    values = pd.Series(["Sekong", "Vientiane", "Sekonk"])
    assert tabular.unknown_provinces(values) == ["Sekonk", "Vientiane"]
    with pytest.raises(UserError, match=r"2 spelling\(s\).*'Sekonk', 'Vientiane'"):
        tabular.clean_provinces(values)


def test_standardise_with_aliases():
    """Department names in any case or spacing, and declared short forms, become standard."""
    values = pd.Series(["finance ", "HR", "FINANCE", None, "Personnel"])
    cleaned = tabular.standardise(values, ["Finance", "Personnel"], {"HR": "Personnel"})
    assert list(cleaned.fillna("-")) == ["Finance", "Personnel", "Finance", "-", "Personnel"]


def test_standardise_names_unknown_spellings():
    """A spelling that matches nothing raises UserError naming it."""
    with pytest.raises(UserError, match="'Finanse'"):
        tabular.standardise(pd.Series(["Finanse"]), ["Finance"])


def test_conflicting_aliases_are_an_author_error():
    """An alias that folds onto another standard name is refused when the index is built."""
    with pytest.raises(ValueError, match="both"):
        tabular.spelling_index(["Finance", "Planning"], {"FINANCE": "Planning"})
    with pytest.raises(ValueError, match="not a standard name"):
        tabular.spelling_index(["Finance"], {"HR": "Personnel"})


@pytest.mark.parametrize("bad", [["Sekong"], "Sekong", pd.DataFrame({"a": [1]})])
def test_column_functions_refuse_other_things(bad):
    """A list, text or a whole table where a column is needed gives a plain message."""
    with pytest.raises(UserError, match="one column of a table"):
        tabular.clean_provinces(bad)


def test_to_number_reads_typed_amounts():
    """Thousands separators, spaces and 'kip' are removed; blanks stay missing."""
    values = pd.Series(["3,250,000", "3250000", "3 250 000", "3,250,000 kip", "4.5", None, " "])
    numbers = tabular.to_number(values)
    assert list(numbers[:5]) == [3_250_000, 3_250_000, 3_250_000, 3_250_000, 4.5]
    assert numbers[5:].isna().all()
    assert numbers.dtype == "float64"


def test_to_number_leaves_numbers_alone():
    """A numeric column comes back as floats, unchanged."""
    assert list(tabular.to_number(pd.Series([1, 2]))) == [1.0, 2.0]


def test_to_number_names_values_that_are_not_numbers():
    """Text such as "three million" is named in the error, never turned into 0."""
    with pytest.raises(UserError, match=r"1 value\(s\) are not numbers: 'three million'"):
        tabular.to_number(pd.Series(["1,000", "three million"]))


def test_missing_summary_counts_blanks_and_empty_text():
    """NaN, None, '' and '  ' count as missing, per column, with a percent."""
    table = pd.DataFrame({"a": [1, None, 3, 4], "b": ["x", "", "  ", None]})
    summary = tabular.missing_summary(table)
    assert list(summary.index) == ["a", "b"]
    assert list(summary["missing"]) == [1, 3]
    assert list(summary["percent"]) == [25.0, 75.0]


def test_missing_summary_of_an_empty_table_and_bad_input():
    """An empty table has no missing values; something that is not a table is a UserError."""
    assert list(tabular.missing_summary(pd.DataFrame({"a": []}))["missing"]) == [0]
    with pytest.raises(UserError, match="needs a table"):
        tabular.missing_summary([1, 2])


def test_find_duplicates_shows_every_copy_together():
    """All copies are returned (not only the later ones), next to each other, with row numbers."""
    table = pd.DataFrame({"id": ["A", "B", "A", "C", "B"], "x": [1, 2, 1, 3, 9]})
    exact = tabular.find_duplicates(table)
    assert list(exact.index) == [0, 2]
    same_id = tabular.find_duplicates(table, "id")
    assert list(same_id.index) == [0, 2, 1, 4]


def test_find_duplicates_unknown_column():
    """A column that is not in the table is named, with the columns that are."""
    with pytest.raises(UserError, match=r"no column 'staff'.*id, x"):
        tabular.find_duplicates(pd.DataFrame({"id": [1], "x": [2]}), ["staff"])


def test_write_excel_round_trip_with_a_note(tmp_path):
    """The table comes back from the file; the note is on a sheet 'about'; no temp file is left."""
    table = pd.DataFrame({"province": ["Sekong", "Salavan"], "staff": [3, 4]})
    path = tabular.write_excel(table, tmp_path / "out" / "table.xlsx", note="SYNTHETIC test")
    assert path.is_file()
    pd.testing.assert_frame_equal(pd.read_excel(path, sheet_name="data"), table)
    assert pd.read_excel(path, sheet_name="about")["about"][0] == "SYNTHETIC test"
    assert [p.name for p in path.parent.iterdir()] == ["table.xlsx"]


def test_write_excel_refuses_a_name_without_xlsx(tmp_path):
    """A .csv name gets a clear message and no file."""
    with pytest.raises(UserError, match="not an Excel file"):
        tabular.write_excel(pd.DataFrame({"a": [1]}), tmp_path / "table.csv")
    assert not list(tmp_path.iterdir())


def test_write_excel_refuses_a_folder(tmp_path):
    """A folder (even one named like a file) is not overwritten."""
    (tmp_path / "table.xlsx").mkdir()
    with pytest.raises(UserError, match="is a folder"):
        tabular.write_excel(pd.DataFrame({"a": [1]}), tmp_path / "table.xlsx")


def test_write_excel_never_overwrites_shipped_data():
    """Writing into the course's data folder is refused, and the shipped file is untouched."""
    shipped = data.SYNTHETIC_DIR / "personnel_records.xlsx"
    before = shipped.read_bytes()
    with pytest.raises(UserError, match="must stay as shipped"):
        tabular.write_excel(pd.DataFrame({"a": [1]}), shipped)
    assert shipped.read_bytes() == before


def test_write_excel_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    """If writing fails half-way, the earlier file is still there, whole."""
    path = tabular.write_excel(pd.DataFrame({"a": [1]}), tmp_path / "t.xlsx")
    before = path.read_bytes()

    def broken(self, target):
        raise OSError("disk full")

    monkeypatch.setattr(tabular.Path, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        tabular.write_excel(pd.DataFrame({"a": [2]}), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]


def test_write_excel_file_in_use_is_a_clear_message(tmp_path, monkeypatch):
    """A file locked by another program (PermissionError) gives one plain line."""

    def locked(self, target):
        raise PermissionError("in use")

    monkeypatch.setattr(tabular.Path, "replace", locked)
    with pytest.raises(UserError, match="close it and try again"):
        tabular.write_excel(pd.DataFrame({"a": [1]}), tmp_path / "t.xlsx")
    assert not list(tmp_path.iterdir())


def test_output_folder_follows_dgt_output(tmp_path, monkeypatch):
    """DGT_OUTPUT chooses the folder for trainees' files, which is created if needed."""
    monkeypatch.setenv("DGT_OUTPUT", str(tmp_path / "mine"))
    assert tabular.output_folder() == tmp_path / "mine"
    assert (tmp_path / "mine").is_dir()


def test_read_csv_and_excel_give_the_same_staff_list():
    """The shipped CSV and the Excel sheet (after its two title rows) hold the same table."""
    from course import personnel

    csv = tabular.read_csv(personnel.csv_path())
    assert tabular.excel_sheets(personnel.excel_path()) == ["staff", "about"]
    excel = tabular.read_excel(personnel.excel_path(), sheet="staff", skip_rows=2)
    pd.testing.assert_frame_equal(csv, excel)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: tabular.read_csv(p / "nothing.csv"), "There is no file"),
        (lambda p: tabular.read_csv(p / "t.xlsx"), "not a CSV file"),
        (lambda p: tabular.read_excel(p / "t.xlsx", sheet="Sheet9"), "no sheet 'Sheet9'.*data"),
        (lambda p: tabular.excel_sheets(p / "t.csv"), "not an Excel file"),
    ],
)
def test_reading_the_wrong_file_is_a_clear_error(tmp_path, call, message):
    """A missing file, the wrong kind of file or a sheet that is not there: one plain message."""
    tabular.write_excel(pd.DataFrame({"a": [1]}), tmp_path / "t.xlsx")
    (tmp_path / "t.csv").write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(UserError, match=message):
        call(tmp_path)
