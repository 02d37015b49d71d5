/*
 * The status page of a report export made in the background (templates/reports/
 * export_status.html): asks /exports/<token>/status.json every 2 seconds, updates the progress
 * bar and the message, and shows the download link when the file is ready (or the error when
 * the export failed). Stops when the job has finished, or after an hour. Live push will replace
 * the polling with the WebSocket channel.
 */
(function () {
  "use strict";

  var box = document.querySelector("[data-export-status]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var interval = 2000;
  var deadline = Date.now() + 60 * 60 * 1000;

  function part(name) {
    return box.querySelector("[data-export-" + name + "]");
  }

  function show(data) {
    var progress = Math.max(0, Math.min(100, Number(data.progress) || 0));
    part("state").textContent = data.status_label || "";
    part("message").textContent = data.message || "";
    part("progress").value = progress;
    part("progress").textContent = progress + "%";
    part("percent").textContent = progress + "%";
    if (data.download_url) {
      part("link").setAttribute("href", data.download_url);
      part("filename").textContent = data.filename || "";
      part("ready").hidden = false;
    }
    if (data.error) {
      part("error").textContent = data.error;
      part("failed").hidden = false;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (!data.finished && Date.now() < deadline) {
          window.setTimeout(poll, interval);
        }
      })
      .catch(function () {
        if (Date.now() < deadline) {
          window.setTimeout(poll, interval * 2);
        }
      });
  }

  window.setTimeout(poll, interval);
})();
