// The certificate page's print button: without script the page says how to print with the browser's own
// command; with script that instruction gives way to a button that opens the print dialogue.
(function () {
  "use strict";
  if (typeof window.print !== "function") { return; }
  var buttons = document.querySelectorAll("[data-print]");
  if (!buttons.length) { return; }
  Array.prototype.forEach.call(buttons, function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-print-hint]"), function (hint) {
    hint.hidden = true;
  });
})();
