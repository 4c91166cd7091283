// Watched intervals: for each recording on a module page, tell the server which parts the browser has played
// (its `played` ranges) every 15 seconds while playing, on pause, at the end and when the page is hidden. The
// server clips, caps and credits; this script only reports and shows the server's answer. Where the module does
// not allow skipping ahead (data-seeking="watched-only"), the player goes back to the end of the part watched so far.
// The page works without this script: the players, captions, transcripts and the page-time rule need none of it.
(function () {
  "use strict";
  var status = document.getElementById("study-status");
  if (!status || !window.fetch || !document.querySelectorAll) { return; }
  var token = status.getAttribute("data-csrf");
  var sections = document.querySelectorAll("[data-media]");
  var reporters = [];
  for (var i = 0; i < sections.length; i++) { setUp(sections[i]); }

  function format(seconds) {
    var total = Math.max(0, Math.floor(seconds));
    var minutes = Math.floor(total / 60), rest = total % 60;
    return (minutes < 10 ? "0" : "") + minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function setUp(section) {
    var player = section.querySelector("video, audio");
    if (!player || !player.played) { return; }
    var id = section.getAttribute("data-media");
    var url = section.getAttribute("data-watch-url");
    var line = section.querySelector(".media-status");
    var holdBack = section.getAttribute("data-seeking") === "watched-only";
    var seekMessage = section.getAttribute("data-seek-message") || "";
    var frontier = parseFloat(section.getAttribute("data-frontier")) || 0;
    var timer = null;
    var lastSent = "";

    // The played ranges as "start-end,..." (at most 200, the earliest: they decide the frontier).
    function ranges() {
      var played = player.played, parts = [];
      for (var k = 0; k < played.length && k < 200; k++) {
        parts.push(played.start(k).toFixed(2) + "-" + played.end(k).toFixed(2));
      }
      return parts.join(",");
    }

    // The end of the part watched without a gap: the server's frontier, extended by what this page played
    // (ranges that start at most a second after it, as the server counts them).
    function knownFrontier() {
      var played = player.played, reach = frontier, grew = true;
      while (grew) {
        grew = false;
        for (var k = 0; k < played.length; k++) {
          if (played.start(k) <= reach + 1 && played.end(k) > reach) { reach = played.end(k); grew = true; }
        }
      }
      return reach;
    }

    function report() {
      var played = ranges();
      if (!played) { return; }
      var body = "media=" + encodeURIComponent(id) + "&ranges=" + encodeURIComponent(played) +
        "&position=" + encodeURIComponent(player.currentTime.toFixed(2));
      if (body === lastSent) { return; }
      lastSent = body;
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        keepalive: true,
        headers: {
          "Accept": "application/json",
          "Content-Type": "application/x-www-form-urlencoded",
          "X-CSRF-Token": token
        },
        body: body
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (result) {
        if (!result) { lastSent = ""; return; }
        if (typeof result.frontier === "number" && result.frontier > frontier) { frontier = result.frontier; }
        if (line && result.message && line.textContent !== result.message) { line.textContent = result.message; }
      }).catch(function () { lastSent = ""; /* offline: the next report sends the ranges again */ });
    }

    function start() { if (!timer) { timer = window.setInterval(report, 15000); } }
    function stop() { if (timer) { window.clearInterval(timer); timer = null; } }

    player.addEventListener("playing", start);
    player.addEventListener("pause", function () { stop(); report(); });
    player.addEventListener("ended", function () { stop(); report(); });
    if (holdBack) {
      player.addEventListener("seeking", function () {
        var reach = knownFrontier();
        if (player.currentTime > reach + 1) {
          player.currentTime = reach;
          if (line) { line.textContent = seekMessage.replace("{time}", format(reach)); }
        }
      });
    }
    reporters.push(report);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "hidden") { return; }
    for (var k = 0; k < reporters.length; k++) { reporters[k](); }
  });
})();
