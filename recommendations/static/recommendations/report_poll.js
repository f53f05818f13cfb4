/* Report jobs: poll the status of running jobs (same origin, JSON) and update their state in place.
   Without JavaScript the pages still work: reload them to see the new state. */
(function () {
  "use strict";
  var INTERVAL_MS = 2000;
  var MAX_POLLS = 900; /* stop after 30 minutes; the sweep requeues stuck jobs on the server */

  function render(cell, data) {
    cell.textContent = "";
    var badge = document.createElement("span");
    badge.className = "badge rec-job rec-job-" + data.status;
    badge.textContent = data.status_label;
    cell.appendChild(badge);
    if (!data.finished) {
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = data.progress;
      bar.setAttribute("aria-hidden", "true");
      cell.appendChild(document.createTextNode(" "));
      cell.appendChild(bar);
      var text = document.createElement("span");
      text.textContent = " " + data.progress + " %";
      cell.appendChild(text);
    }
  }

  function poll(element, count) {
    var url = element.getAttribute("data-report-job");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var cell = element.querySelector(".rec-job-state");
        if (cell) { render(cell, data); }
        if (data.finished) {
          element.removeAttribute("data-report-running");
          if (element.hasAttribute("data-reload-when-finished")) {
            window.location.reload();
            return;
          }
          var action = element.querySelector(".rec-job-action");
          if (action && data.download_url) {
            action.textContent = "";
            var link = document.createElement("a");
            link.href = data.download_url;
            link.textContent = element.getAttribute("data-download-label") || "PDF herunterladen";
            action.appendChild(link);
          }
          return;
        }
        if (count < MAX_POLLS) {
          window.setTimeout(function () { poll(element, count + 1); }, INTERVAL_MS);
        }
      })
      .catch(function () {
        if (count < MAX_POLLS) {
          window.setTimeout(function () { poll(element, count + 1); }, INTERVAL_MS * 3);
        }
      });
  }

  var running = document.querySelectorAll("[data-report-job][data-report-running]");
  for (var i = 0; i < running.length; i++) {
    poll(running[i], 0);
  }
})();
