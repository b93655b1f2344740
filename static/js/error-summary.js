// A form came back with errors: move focus to the summary, so that screen readers read it
// out and the keyboard starts there; its links put focus in the field they name.
// Without JavaScript the summary is still there, and the page title starts with "Fel: ".
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.focus();
    var label = document.querySelector("label[for='" + field.id + "']");
    (label || field).scrollIntoView({ block: "center" });
  });
})();
