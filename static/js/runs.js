// The progress bar of a reminder round (issue 19 item 3): ask for the fragment every second
// and swap it in until the round is over (the fragment then carries no data-poll).
(function () {
  "use strict";
  function poll() {
    var box = document.getElementById("run-progress");
    if (!box || !box.getAttribute("data-poll")) return;
    fetch(box.getAttribute("data-poll"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html) box.outerHTML = html;
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  document.addEventListener("DOMContentLoaded", function () { window.setTimeout(poll, 500); });
})();
