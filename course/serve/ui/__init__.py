"""Widget user interfaces of the apps (ipywidgets 8). Each app notebook calls one function here.

The numbers come from tested functions elsewhere in `course`; these modules only lay
out controls and outputs. Every label comes from the message catalogue.
"""

from __future__ import annotations

import html

from course.messages import any_draft, draft_label, t


def draft_notice(*prefixes: str) -> str:
    """A visible bilingual note when the page shows draft translations of these keys."""
    if not any(any_draft(prefix) for prefix in prefixes):
        return ""
    return (
        '<p class="dgt-draft" role="note" style="border:1px dashed #b35806;padding:2px 8px;'
        f'display:inline-block">{html.escape(draft_label())}</p>'
    )


def header(app_id: str) -> str:
    """The HTML heading of an app: its title, one line on what it does, a draft note."""
    title = html.escape(t(f"app.{app_id}.title"))
    intro = html.escape(t(f"app.{app_id}.intro"))
    notice = draft_notice(f"app.{app_id}.", "apps.")
    return f'<h1 class="dgt-app-title">{title}</h1><p class="dgt-app-intro">{intro}</p>{notice}'
