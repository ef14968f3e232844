/* Small conveniences for Mubiao's pages. Every page works without this file; the server
   decides what is valid and what is saved. */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // Quantitative fields only matter for 定量目标: hide them for 定性目标 (the server clears them).
  function setupKindSwitch() {
    var radios = document.querySelectorAll("[data-kind-switch] input[type=radio]");
    if (!radios.length) return;
    function apply() {
      var checked = document.querySelector("[data-kind-switch] input[type=radio]:checked");
      var kind = checked ? checked.value : "";
      document.querySelectorAll("[data-kind-section]").forEach(function (el) {
        el.hidden = kind !== "" && el.getAttribute("data-kind-section") !== kind;
      });
    }
    radios.forEach(function (r) { r.addEventListener("change", apply); });
    apply();
  }

  function setupCheckAll() {
    document.querySelectorAll("[data-check-all]").forEach(function (box) {
      box.addEventListener("change", function () {
        var form = box.closest("form");
        // data-check-all="progress" ticks the boxes named progress; a bare one, those named ids.
        var name = box.getAttribute("data-check-all") || "ids";
        form.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (b) { b.checked = box.checked; });
      });
    });
  }

  // The approval reference (审定会议或文号) is asked for only when confirming.
  function setupBulkAction() {
    document.querySelectorAll("[data-bulk-action]").forEach(function (select) {
      var form = select.closest("form");
      function apply() {
        form.querySelectorAll("[data-show-for-action]").forEach(function (el) {
          var show = el.getAttribute("data-show-for-action") === select.value;
          el.hidden = !show;
          el.querySelectorAll("input").forEach(function (i) { i.required = show; });
        });
      }
      select.addEventListener("change", apply);
      apply();
    });
  }

  function setupAutosubmit() {
    document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
  }

  // On a phone the header's entries fold behind 菜单; without this file they simply all show.
  function setupMenu() {
    var toggle = document.querySelector("[data-menu-toggle]");
    if (!toggle) return;
    var header = toggle.closest(".site-header");
    document.documentElement.classList.add("has-menu");
    toggle.addEventListener("click", function () {
      var open = header.classList.toggle("is-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  onReady(function () {
    setupMenu();
    setupKindSwitch();
    setupCheckAll();
    setupBulkAction();
    setupAutosubmit();
  });
})();
