/* A bulk send's page in the admin (templates/admin/panels/bulksend/progress.html): while the
   emails are being sent, ask the page's progress address (JSON) every few seconds and rewrite
   the counts, the summary (a polite live region) and the table of emails not sent. Stops
   when the bulk send has finished, or when the server refuses (signed out). Text from the server is set as text, never as markup. */
(function () {
  "use strict";

  function start() {
    var section = document.querySelector("[data-progress-url]");
    if (!section || section.dataset.finished === "true") {
      return;
    }
    var url = section.dataset.progressUrl;
    var interval = parseInt(section.dataset.pollInterval, 10) || 2000;
    var summary = document.getElementById("bulk-send-summary");
    var table = document.getElementById("bulk-send-failures");
    var none = document.getElementById("bulk-send-no-failures");

    function showFailures(failures) {
      var body = table.tBodies[0];
      while (body.firstChild) {
        body.removeChild(body.firstChild);
      }
      failures.forEach(function (failure) {
        var row = body.insertRow();
        ["name", "panel", "address", "reason"].forEach(function (key) {
          var cell = row.insertCell();
          var text = document.createElement(key === "name" || key === "panel" ? "bdi" : "span");
          text.textContent = failure[key];
          cell.appendChild(text);
        });
      });
      table.hidden = failures.length === 0;
      none.hidden = failures.length !== 0;
    }

    function show(progress) {
      ["sent", "failed", "skipped", "remaining"].forEach(function (key) {
        var cell = section.querySelector('[data-count="' + key + '"]');
        if (cell && cell.textContent !== String(progress[key])) {
          cell.textContent = String(progress[key]);
        }
      });
      // Rewritten only when it changes, so that a screen reader hears each change once.
      if (summary.textContent !== progress.summary) {
        summary.textContent = progress.summary;
      }
      showFailures(progress.failures);
      if (progress.finished) {
        section.dataset.finished = "true";
        var running = section.querySelector(".bulk-send-running");
        if (running) {
          running.hidden = true;
        }
      }
      return progress.finished;
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.status >= 400 && response.status < 500) {
            // Signed out, or no longer allowed: asking again would not help.
            return null;
          }
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(function (progress) {
          if (progress && !show(progress)) {
            window.setTimeout(poll, interval);
          }
        })
        .catch(function () {
          // A failed request (the server restarting, a dropped connection): try again later.
          window.setTimeout(poll, interval * 2);
        });
    }

    window.setTimeout(poll, interval);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
