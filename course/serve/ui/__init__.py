"""Widget user interfaces of the apps (ipywidgets 8). Each app notebook calls one function here.

The numbers come from tested functions elsewhere in `course`; these modules only lay
out controls and outputs. Every label comes from the message catalogue.
"""

from __future__ import annotations

import html

from course.messages import t


def header(app_id: str) -> str:
    """The HTML heading of an app: its title and one line on what it does."""
    title = html.escape(t(f"app.{app_id}.title"))
    intro = html.escape(t(f"app.{app_id}.intro"))
    return f'<h1 class="dgt-app-title">{title}</h1><p class="dgt-app-intro">{intro}</p>'
