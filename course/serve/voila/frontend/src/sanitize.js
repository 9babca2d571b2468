/*
 * An HTML sanitizer for widget descriptions, built on the browser's own HTML parser.
 *
 * ipywidgets uses the npm package sanitize-html for one thing: a widget description with
 * `description_allow_html=True` is cleaned before it is shown (ManagerBase.inline_sanitize
 * names the tags and attributes it allows). sanitize-html brings its own HTML and CSS
 * parsers, a quarter of the page script; build.mjs puts this module in its place.
 * It takes the same call, `sanitize(html, { allowedTags, allowedAttributes })`, and keeps
 * sanitize-html's defaults for what it is not told:
 *
 * - an element whose tag is not allowed is removed but its text is kept, except for the
 *   elements in DROP_WITH_CONTENT (scripts, styles, forms of raw text, foreign content),
 *   which go with everything inside them;
 * - an attribute is kept only if allowed for its tag or for '*' ("aria-*" allows a prefix);
 * - a link or image address is kept only if relative or of a scheme in SCHEMES;
 * - comments and processing instructions are removed.
 *
 * The HTML is parsed inside a <template>, whose content is inert: nothing in it runs or loads.
 */

const DROP_WITH_CONTENT = new Set([
  'script', 'style', 'textarea', 'option', 'noscript', 'template', 'iframe', 'object', 'embed',
  'svg', 'math', 'noembed', 'noframes', 'xmp', 'plaintext', 'title',
]);
const URL_ATTRIBUTES = new Set(['href', 'src', 'cite', 'action', 'formaction', 'srcset', 'xlink:href']);
const SCHEMES = new Set(['http', 'https', 'ftp', 'mailto', 'tel']);

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

function clean(parent, tags, attributes) {
  for (const node of [...parent.childNodes]) {
    if (node.nodeType === Node.TEXT_NODE) {
      continue;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) {
      node.remove();
      continue;
    }
    const tag = node.localName.toLowerCase();
    if (DROP_WITH_CONTENT.has(tag) || node.namespaceURI !== 'http://www.w3.org/1999/xhtml') {
      node.remove();
      continue;
    }
    clean(node, tags, attributes);
    if (!tags.has(tag)) {
      node.replaceWith(...node.childNodes);
      continue;
    }
    for (const attribute of [...node.attributes]) {
      const name = attribute.name.toLowerCase();
      const allowed = listed(attributes['*'], name) || listed(attributes[tag], name);
      if (!allowed || (URL_ATTRIBUTES.has(name) && !safeAddress(attribute.value))) {
        node.removeAttribute(attribute.name);
      }
    }
  }
}

/** `html` with only the allowed tags and attributes left (see the module comment). */
export default function sanitize(html, options = {}) {
  const template = document.createElement('template');
  template.innerHTML = String(html);
  clean(template.content, new Set(options.allowedTags || []), options.allowedAttributes || {});
  return template.innerHTML;
}
