/*
 * The description sanitizer: ipywidgets' call, answered by DOMPurify.
 *
 * ipywidgets cleans a widget description with `description_allow_html=True` before it is
 * shown, by calling the npm package sanitize-html as
 * `sanitize(html, { allowedTags, allowedAttributes })` (ManagerBase.inline_sanitize names
 * the tags and attributes it allows). sanitize-html brings its own HTML and CSS parsers,
 * a quarter of the page script, so build.mjs puts this module in its place. The cleaning
 * itself is DOMPurify's (npm `dompurify`, a sanitizer reviewed and fuzzed by many people);
 * this file only translates ipywidgets' allow-list into DOMPurify's settings and keeps
 * sanitize-html's defaults for what ipywidgets does not say:
 *
 * - an element whose tag is not allowed is removed but its text is kept, except for the
 *   elements DOMPurify drops with their content (scripts, styles, foreign content, ...)
 *   and sanitize-html's raw-text ones (DROP_WITH_CONTENT);
 * - an attribute is kept only if allowed for its tag or for '*' ("aria-*" allows a prefix);
 * - a link or image address is kept only if relative or of a scheme in SCHEMES (DOMPurify
 *   alone would also keep `data:` images);
 * - comments are removed.
 */

import createDOMPurify from 'dompurify';

const DROP_WITH_CONTENT = ['textarea', 'option', 'noscript', 'object', 'embed'];
const URL_ATTRIBUTES = new Set(['href', 'src', 'cite', 'action', 'formaction', 'srcset', 'xlink:href']);
const SCHEMES = new Set(['http', 'https', 'ftp', 'mailto', 'tel']);

const purify = createDOMPurify(window);
let rules = { attributes: {} };

/** True if `value` is a relative address or uses one of SCHEMES. */
function safeAddress(value) {
  // Browsers ignore control characters and spaces inside a scheme ("java\tscript:").
  // eslint-disable-next-line no-control-regex
  const bare = value.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(bare);
  return !scheme || SCHEMES.has(scheme[1].toLowerCase());
}

/** True if attribute `name` is in `names` (exactly, or by an allowed "prefix-*"). */
function listed(names, name) {
  return (names || []).some((allowed) =>
    allowed.endsWith('*') ? name.startsWith(allowed.slice(0, -1)) : allowed === name,
  );
}

// DOMPurify's allow-list of attributes is one list for every tag; ipywidgets' is per tag.
purify.addHook('uponSanitizeAttribute', (node, event) => {
  const tag = node.localName.toLowerCase();
  const name = event.attrName;
  const allowed = listed(rules.attributes['*'], name) || listed(rules.attributes[tag], name);
  if (!allowed || (URL_ATTRIBUTES.has(name) && !safeAddress(event.attrValue))) {
    event.keepAttr = false;
  }
});

/** `html` with only the allowed tags and attributes left (see the module comment). */
export default function sanitize(html, options = {}) {
  const attributes = options.allowedAttributes || {};
  rules = { attributes };
  try {
    return purify.sanitize(String(html), {
      ALLOWED_TAGS: [...(options.allowedTags || [])],
      // Every attribute named anywhere; the hook above narrows them down per tag.
      ALLOWED_ATTR: Object.values(attributes)
        .flat()
        .filter((name) => !name.endsWith('*')),
      ALLOW_ARIA_ATTR: listed(attributes['*'], 'aria-x'),
      ALLOW_DATA_ATTR: false,
      ADD_FORBID_CONTENTS: DROP_WITH_CONTENT,
    });
  } finally {
    rules = { attributes: {} };
  }
}
