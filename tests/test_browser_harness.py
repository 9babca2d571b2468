"""The browser harness itself: outside requests are blocked and logged, local ones go through."""

import pytest

from browser import is_local, open_page


def test_is_local():
    """Loopback and file URLs are local; any other host is not."""
    assert is_local("file:///tmp/x.html") and is_local("http://127.0.0.1:8866/")
    assert is_local("http://localhost/x") and is_local("data:text/plain,hi")
    assert not is_local("https://cdn.jsdelivr.net/npm/x.js") and not is_local("http://10.0.0.1/")


@pytest.mark.browser
def test_outside_request_is_blocked_and_logged(browser, tmp_path):
    """A page that asks for a CDN script gets it blocked, and the report names it."""
    page_file = tmp_path / "page.html"
    page_file.write_text(
        '<html><head><script src="https://cdn.example.org/x.js"></script></head><body>ok</body></html>'
    )
    page, report = open_page(browser, page_file.as_uri())
    assert page.inner_text("body") == "ok"
    assert report.blocked == ["https://cdn.example.org/x.js"]
    page.context.close()
