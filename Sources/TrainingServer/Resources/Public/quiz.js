// Quiz page enhancements: a countdown shown in text (announced to screen readers only at 5 and 1 minutes),
// and autosave of answers every 20 seconds when something changed (a typed answer as soon as it is left), with
// the server's word beside any typed answer it cannot read. The server keeps the real deadline.
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
  var status = document.getElementById("save-status");

  // The controls of question `number` that take the message's id in aria-describedby.
  var controls = function (fieldset) {
    return Array.prototype.slice.call(fieldset.querySelectorAll("input, select, textarea"))
      .filter(function (element) { return element.type !== "hidden" && !element.disabled; });
  };
  var describe = function (element, id, on) {
    var ids = (element.getAttribute("aria-describedby") || "").split(" ").filter(function (part) {
      return part && part !== id;
    });
    if (on) { ids.push(id); }
    if (ids.length) { element.setAttribute("aria-describedby", ids.join(" ")); } else { element.removeAttribute("aria-describedby"); }
    if (on) { element.setAttribute("aria-invalid", "true"); } else { element.removeAttribute("aria-invalid"); }
  };
  // Shows the server's words beside each question whose saved answer cannot be read, and removes them where
  // the answer can now be read, as the page would after saving without script.
  var showUnreadable = function (list) {
    var byNumber = {};
    (list || []).forEach(function (item) { byNumber[item.question] = item; });
    var announce = [];
    Array.prototype.forEach.call(form.querySelectorAll("fieldset.question"), function (fieldset) {
      var number = parseInt(fieldset.id.replace("question-", ""), 10);
      var id = "q" + number + "-error";
      var message = document.getElementById(id);
      var item = byNumber[number];
      if (item) {
        if (!message) {
          message = document.createElement("p");
          message.className = "field-error";
          message.id = id;
          var hint = document.getElementById("q" + number + "-hint");
          var legend = fieldset.querySelector("legend");
          fieldset.insertBefore(message, hint ? hint.nextSibling : legend.nextSibling);
        }
        if (message.textContent !== item.message) {
          message.textContent = item.message;
          announce.push(item.summary);
        }
        fieldset.classList.add("question-invalid");
        message.setAttribute("data-kind", "unreadable");
      } else if (message && message.getAttribute("data-kind") === "unreadable") {
        clear(fieldset, number);
        return;
      } else {
        return;
      }
      controls(fieldset).forEach(function (element) { describe(element, id, true); });
    });
    if (status && announce.length) { status.textContent = announce.join(" "); }
  };
  // Removes question `number`'s message, its marks on the controls and its line in the list of problems.
  var clear = function (fieldset, number) {
    var id = "q" + number + "-error";
    var message = document.getElementById(id);
    if (message) { message.parentNode.removeChild(message); }
    fieldset.classList.remove("question-invalid");
    controls(fieldset).forEach(function (element) { describe(element, id, false); });
    var entry = document.querySelector("#problems li[data-question='" + number + "']");
    if (entry) { entry.parentNode.removeChild(entry); }
    var summary = document.getElementById("problems");
    if (summary && !summary.querySelector("li")) { summary.parentNode.removeChild(summary); }
  };

  var dirty = false;
  var saving = false;
  var soon = null;
  var save = function () {
    if (!dirty || saving) { return; }
    dirty = false;
    saving = true;
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
      saving = false;
      if (!result) { dirty = true; return; }
      form.elements.namedItem("sequence").value = String(result.sequence);
      form.elements.namedItem("form_key").value = result.formKey;
      showUnreadable(result.unreadable);
      // Changed again while this save was on its way: save that too.
      if (dirty) { window.clearTimeout(soon); soon = window.setTimeout(save, 150); }
    }).catch(function () { saving = false; dirty = true; });
  };
  form.addEventListener("change", function (event) {
    dirty = true;
    // Answering a question that asked for an answer first takes that message away.
    var fieldset = event.target && event.target.closest ? event.target.closest("fieldset.question") : null;
    var asked = fieldset && fieldset.querySelector(".field-error[data-kind='answer-first']");
    if (asked) { clear(fieldset, parseInt(fieldset.id.replace("question-", ""), 10)); }
    // A typed answer is saved as soon as the learner leaves it, so an unreadable one is pointed out at once.
    if (event.target && event.target.type === "text") {
      window.clearTimeout(soon);
      soon = window.setTimeout(save, 150);
    }
  });
  form.addEventListener("input", function () { dirty = true; });
  window.setInterval(save, 20000);
})();
