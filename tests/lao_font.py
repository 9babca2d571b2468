"""What a browser test asks of a page with Lao text: is it drawn with the course's own Lao font?

`lao_rendering(page)` waits for the page's fonts, then reports whether the page shows Lao
characters, whether the "DGT Noto Sans Lao" face was loaded, and, from Chromium's own
account (DevTools `CSS.getPlatformFontsForNode`), which fonts drew the first element whose
own text is Lao. A face is only loaded when the page's styles ask for it for some text,
so "loaded" fails on a page that declares the font but does not use it.
"""

from __future__ import annotations

FAMILY = "DGT Noto Sans Lao"

INSPECT = """
async (family) => {
  await document.fonts.ready;
  const hasLao = /[\\u0E80-\\u0EFF]/.test(document.body.innerText);
  const faces = [...document.fonts].filter((face) => face.family.replace(/"/g, "") === family);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let marked = false;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (/[\\u0E80-\\u0EFF]/.test(node.textContent) && parent && parent.offsetParent !== null
        && !["SCRIPT", "STYLE", "TITLE"].includes(parent.tagName)) {
      parent.setAttribute("data-lao-probe", "");
      marked = true;
      break;
    }
  }
  return { hasLao, marked, declared: faces.length,
           loaded: faces.some((face) => face.status === "loaded") };
}
"""


def lao_rendering(page) -> dict:
    """{hasLao, marked, declared, loaded, fonts: [(family, custom, glyphs)]} for the open page."""
    seen = page.evaluate(INSPECT, FAMILY)
    seen["fonts"] = []
    if seen["marked"]:
        session = page.context.new_cdp_session(page)
        try:
            session.send("DOM.enable")
            session.send("CSS.enable")
            root = session.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
            node = session.send(
                "DOM.querySelector", {"nodeId": root, "selector": "[data-lao-probe]"}
            )
            fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
            seen["fonts"] = [(f["familyName"], f["isCustomFont"], f["glyphCount"]) for f in fonts]
        finally:
            session.detach()
    return seen


def assert_lao_in_course_font(seen: dict) -> None:
    """The page shows Lao, the course's face is loaded, and a web font (not a system one) drew it."""
    assert seen["hasLao"] and seen["marked"], "the page shows no Lao text: the check checks nothing"
    assert seen["declared"] >= 1, f"the page does not declare the {FAMILY!r} face"
    assert seen["loaded"], f"the {FAMILY!r} face was never loaded: Lao fell back to a system font"
    custom = [f for f in seen["fonts"] if f[1] and "Lao" in f[0] and f[2] > 0]
    system_lao = [f for f in seen["fonts"] if not f[1] and "Lao" in f[0]]
    assert custom and not system_lao, f"Lao text drawn with {seen['fonts']}"
