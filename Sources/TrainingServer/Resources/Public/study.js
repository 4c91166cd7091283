// Study-time heartbeat: while the module page is visible, tell the server every 30 seconds. The server
// measures and caps the time; this script only reports that the page is in front of the person.
(function () {
  "use strict";
  var status = document.getElementById("study-status");
  if (!status || status.getAttribute("data-completed") === "1" || !window.fetch) { return; }
  var url = status.getAttribute("data-beat-url");
  var token = status.getAttribute("data-csrf");
  var text = document.getElementById("study-progress");
  var timer = null;
  // This script records the time itself: the hint for browsers without script does not apply here.
  var hint = document.getElementById("record-hint");
  if (hint) { hint.hidden = true; }
  // A module with a watch rule counts what the player reports (media.js), not time on the page.
  if (status.getAttribute("data-watch") === "1") { return; }

  function beat() {
    if (document.visibilityState !== "visible") { return; }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": token }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (result) {
      if (!result) { return; }
      if (text && text.textContent !== result.message) { text.textContent = result.message; }
      if (result.completed) { stop(); }
    }).catch(function () { /* offline: the next beat tries again */ });
  }

  function start() { if (!timer) { timer = window.setInterval(beat, 30000); } }
  function stop() { if (timer) { window.clearInterval(timer); timer = null; } }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { beat(); start(); } else { stop(); }
  });
  start();
})();
