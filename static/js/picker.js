/* Searchable department pickers (issue 19 item 7): every <select data-picker> becomes a Tom
   Select (static/vendor/tom-select, Apache-2.0) — type to filter 68 departments, arrow keys and
   Enter to choose, Backspace to remove; a multiple select shows its choices as removable tags.
   Without JavaScript the native <select> works as it is. Kept in a static file: the pages allow
   no inline script (Content-Security-Policy). */
(function () {
  "use strict";

  function labelText(select) {
    // A <label for> is found by Tom Select itself; a select wrapped in its label (the list
    // filters) names the combobox from the label's caption.
    var wrapping = select.closest("label");
    if (!wrapping) return "";
    var caption = wrapping.querySelector("span");
    return (caption || wrapping).textContent.trim();
  }

  function enhance(select) {
    if (select.tomselect || typeof window.TomSelect !== "function") return;
    var multiple = select.multiple;
    var noResults = select.getAttribute("data-picker-empty") || "—";
    var picker = new window.TomSelect(select, {
      plugins: multiple ? ["remove_button"] : [],
      maxOptions: null,
      allowEmptyOption: !multiple,
      closeAfterSelect: !multiple,
      hidePlaceholder: true,
      placeholder: select.getAttribute("data-picker-placeholder") || "",
      render: {
        no_results: function () {
          var div = document.createElement("div");
          div.className = "no-results";
          div.textContent = noResults;
          return div;
        },
      },
    });
    // The original select stays in the form (it is what is submitted) but hidden; screen
    // readers meet only the combobox, not the same field twice.
    select.setAttribute("aria-hidden", "true");
    var name = labelText(select);
    if (name && !picker.control_input.hasAttribute("aria-labelledby")) {
      picker.control_input.setAttribute("aria-label", name);
      picker.focus_node.setAttribute("aria-label", name);
    }
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("select[data-picker]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhanceAll(document);
  });
  // Forms swapped in by htmx (a 422 with its errors) get their pickers too.
  document.addEventListener("htmx:afterSwap", function (event) {
    enhanceAll(event.target);
  });
})();
