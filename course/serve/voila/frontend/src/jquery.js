/*
 * The little of jQuery that the ipywidgets 8 views use: wrapping their element as `view.$el`.
 *
 * ipywidgets 8 handles DOM events, attributes and removal itself (NativeView in
 * @jupyter-widgets/base, on the browser's own addEventListener); it still sets
 * `view.$el = $(view.el)`, and Backbone imports jQuery when it is there. The whole of
 * jQuery was an eighth of the page script, and starting the script took about 0.1 s less
 * without it on the 2-core machine (docs/benchmarks.md), so build.mjs puts this module in
 * its place. A wrapper holds its elements as `[0]`, `[1]`, ... and `length`, and has the
 * methods that Backbone.View itself would call on `$el` (`find`, `attr`, `remove`).
 * A view that needs more of jQuery (some third-party widget) cannot be shown by this page
 * anyway: only @jupyter-widgets/base and controls are (see MODULES in index.js).
 */

/** Elements wrapped as jQuery would: `$(element)`, `$(listOfElements)` or `$(wrapper)`. */
function $(elements) {
  if (!(this instanceof $)) {
    return new $(elements);
  }
  let list = [];
  if (elements instanceof $) {
    list = Array.from(elements);
  } else if (elements && typeof elements.length === 'number' && !elements.nodeType) {
    list = Array.from(elements);
  } else if (elements) {
    list = [elements];
  }
  list.forEach((element, index) => {
    this[index] = element;
  });
  this.length = list.length;
}

$.prototype[Symbol.iterator] = function* iterate() {
  for (let index = 0; index < this.length; index += 1) yield this[index];
};

/** The descendants of the wrapped elements that match a CSS `selector`. */
$.prototype.find = function find(selector) {
  return $([...this].flatMap((element) => [...element.querySelectorAll(selector)]));
};

/** Set attributes from an object of names and values. */
$.prototype.attr = function attr(attributes) {
  for (const element of this) {
    for (const [name, value] of Object.entries(attributes)) {
      element.setAttribute(name, value);
    }
  }
  return this;
};

/** Take the wrapped elements out of the page. */
$.prototype.remove = function remove() {
  for (const element of this) element.remove();
  return this;
};

// CommonJS, as jQuery is: Backbone require()s it and ipywidgets imports its default.
module.exports = $;
