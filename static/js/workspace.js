/*
 * Konsulta workspace: the live hint about the minimum written round on the consultation form.
 *
 * When the opening or closing time changes, asks the server (which knows Kosovo's working days
 * and public holidays) for the earliest allowed closing date and shows its sentence in the
 * element marked data-round-hint (an aria-live region). Without JavaScript the same hint is
 * rendered by the server after each submission.
 */
(function () {
  "use strict";

  var hint = document.querySelector("[data-round-hint]");
  if (!hint) {
    return;
  }
  var opens = document.querySelector('[data-round="opens_at"]');
  var closes = document.querySelector('[data-round="closes_at"]');
  if (!opens || !closes) {
    return;
  }
  var url = hint.getAttribute("data-round-hint");
  var pending = null;
  var latest = 0;

  function update() {
    var params = new URLSearchParams();
    params.set("opens_at", opens.value || "");
    params.set("closes_at", closes.value || "");
    var ticket = ++latest;
    fetch(url + "?" + params.toString(), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (data) {
        if (ticket !== latest || !data || typeof data.message !== "string") {
          return;
        }
        hint.textContent = data.message;
        hint.classList.toggle("ws-hint--warning", Boolean(data.short) || data.ok === false);
      })
      .catch(function () {
        /* keep the server-rendered hint */
      });
  }

  function schedule() {
    window.clearTimeout(pending);
    pending = window.setTimeout(update, 250);
  }

  opens.addEventListener("change", schedule);
  closes.addEventListener("change", schedule);
  opens.addEventListener("input", schedule);
  closes.addEventListener("input", schedule);
})();
