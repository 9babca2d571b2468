// The book works from a USB stick (file://) as well as from a local server.
// Sphinx's search fetches each result page to show a summary; browsers refuse
// fetch() on file:// URLs, so there the results are listed without summaries.
if (window.location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") {
  DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
}
