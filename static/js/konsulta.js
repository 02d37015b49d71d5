/*
 * Konsulta: small progressive enhancements shared by every page. The site works without it.
 *
 * - Tables of contents (<details class="toc" data-open-wide>) start collapsed on phones and
 *   open on wide screens.
 */
(function () {
  "use strict";

  var wide = window.matchMedia("(min-width: 64em)");

  function syncTocs() {
    document.querySelectorAll("details.toc[data-open-wide]").forEach(function (details) {
      if (wide.matches) {
        details.open = true;
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", syncTocs);
  } else {
    syncTocs();
  }
  if (wide.addEventListener) {
    wide.addEventListener("change", syncTocs);
  }
})();
