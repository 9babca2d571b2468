"""course.accessibility: WCAG contrast, the five HTML checks, long sentences and bad input."""

import pytest

from course import accessibility
from course.errors import UserError

PAGE = """<html>
<body>
<h1>ODSC services</h1>
<h3>Opening hours</h3>
<img src="map.png">
<img src="logo.png" alt="">
<p style="color: #aaaaaa; background-color: #ffffff">Open 8:00 to 16:00</p>
<p>For the form, <a href="form.pdf">click here</a>.</p>
<a href="list.pdf">Download the list of ODSC services</a>
<p style="color: #333; background: white">Readable</p>
</body></html>"""


def test_contrast_ratio_matches_wcag_values():
    """Black on white is 21:1, equal colours 1:1, #777 on white just under 4.5:1."""
    assert accessibility.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert accessibility.contrast_ratio("white", "white") == pytest.approx(1)
    assert accessibility.contrast_ratio("#777", "#fff") == pytest.approx(4.48, abs=0.01)
    assert accessibility.contrast_ratio("#fff", "#777") == accessibility.contrast_ratio(
        "#777", "#fff"
    )
    assert accessibility.contrast_ratio("rgb(0, 0, 0)", "#FFFFFF") == pytest.approx(21)


def test_colour_bad_input():
    """A colour the checker cannot read is a clear error."""
    for colour in ("#12345", "rgb(300, 0, 0)", "sky", 12):
        with pytest.raises(UserError, match="not a colour"):
            accessibility.parse_colour(colour)


def test_check_html_finds_each_problem_once_with_its_line():
    """Missing lang, skipped heading, missing alt, low contrast and vague link, in line order."""
    issues = accessibility.check_html(PAGE)
    assert [(i.check, i.line) for i in issues] == [
        ("lang", 1),
        ("heading_order", 4),
        ("img_alt", 5),
        ("contrast", 7),
        ("link_text", 8),
    ]
    assert "2.3:1" in issues[3].message
    assert str(issues[0]).startswith("Line 1:")


def test_a_clean_page_has_no_issues():
    """A page with lang, ordered headings, alt text, good contrast and clear links passes."""
    page = (
        '<html lang="lo"><h1>ODSC</h1><h2>Hours</h2><img src="a.png" alt="Map of the ODSC">'
        '<p style="color:#1b1b1b;background-color:#ffffff">Open</p>'
        '<a href="f.pdf">Download the application form</a></html>'
    )
    assert accessibility.check_html(page) == []


def test_snippets_and_odd_links():
    """A snippet without <html> is not asked for lang; an empty link and a first <h2> are found."""
    issues = accessibility.check_html(
        '<h2>Title</h2><a href="x"></a><a href="y" aria-label="Form"></a>'
    )
    assert [i.check for i in issues] == ["heading_order", "link_text"]
    unreadable = accessibility.check_html('<p style="color: sky; background: white">x</p>')
    assert unreadable[0].check == "contrast" and "could not be read" in unreadable[0].message


def test_issues_table_and_bad_input():
    """Issues become a table; a non-text input is a clear error."""
    table = accessibility.issues_table(accessibility.check_html(PAGE))
    assert list(table.columns) == ["check", "line", "message"] and len(table) == 5
    with pytest.raises(UserError, match="string"):
        accessibility.check_html(None)


def test_long_sentences():
    """Sentences over the word limit are returned; a bad limit is an error."""
    text = "Bring your family book. " + "You must bring " + "the form " * 10 + "today."
    assert accessibility.long_sentences(text) == [text.split(". ", 1)[1]]
    assert accessibility.long_sentences(text, limit=50) == []
    with pytest.raises(UserError, match="whole number"):
        accessibility.long_sentences(text, limit=0)
