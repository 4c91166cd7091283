// Quiz page enhancements: a countdown shown in text (announced to screen readers only at 5 and 1 minutes),
// and autosave of answers every 20 seconds when something changed. The server keeps the real deadline.
(function () {
  "use strict";
  var timerBox = document.getElementById("timer");
  if (timerBox) {
    var deadline = parseInt(timerBox.getAttribute("data-deadline"), 10) * 1000;
    var skew = Date.now() - parseInt(timerBox.getAttribute("data-now"), 10) * 1000;
    var label = timerBox.getAttribute("data-label");
    var announce = timerBox.getAttribute("data-announce");
    var text = document.getElementById("timer-text");
    var live = document.getElementById("timer-announce");
    var announced = {};
    var tick = function () {
      var left = Math.max(0, deadline - (Date.now() - skew));
      var minutes = Math.ceil(left / 60000);
      var shown = label.replace("{minutes}", String(minutes));
      if (text.textContent !== shown) { text.textContent = shown; }
      [5, 1].forEach(function (threshold) {
        if (minutes <= threshold && minutes > threshold - 1 && !announced[threshold]) {
          announced[threshold] = true;
          live.textContent = announce.replace("{minutes}", String(threshold));
        }
      });
      if (left <= 0) { window.location.reload(); }
    };
    tick();
    window.setInterval(tick, 1000);
  }

  var form = document.getElementById("attempt-form");
  if (!form || !window.fetch || !window.FormData || !window.URLSearchParams) { return; }
  var dirty = false;
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("input", function () { dirty = true; });
  window.setInterval(function () {
    if (!dirty) { return; }
    dirty = false;
    var data = new URLSearchParams(new FormData(form));
    data.set("go", "save");
    fetch(form.getAttribute("data-autosave"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: data.toString()
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (result) {
      if (!result) { dirty = true; return; }
      form.elements.namedItem("sequence").value = String(result.sequence);
      form.elements.namedItem("form_key").value = result.formKey;
    }).catch(function () { dirty = true; });
  }, 20000);
})();
