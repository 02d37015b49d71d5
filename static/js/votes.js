/*
 * Votes without a page reload. The vote forms work without this script (POST + redirect back to
 * the article); with it, a click sends the same POST with fetch, asks for JSON, and updates the
 * buttons (aria-pressed) and the tally next to the form in place.
 */
(function () {
  "use strict";

  function cookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) {
        return decodeURIComponent(parts[i].slice(eq + 1));
      }
    }
    return "";
  }

  function setWidth(el, pct) {
    var keep = [];
    el.classList.forEach(function (c) {
      if (!/^w-\d+$/.test(c)) {
        keep.push(c);
      }
    });
    var n = Math.max(0, Math.min(100, Math.round(Number(pct) || 0)));
    el.className = keep.concat("w-" + n).join(" ");
  }

  function updateTally(container, tally) {
    if (!container || !tally) {
      return;
    }
    ["for", "against", "abstain", "total"].forEach(function (name) {
      var count = container.querySelector('[data-count="' + name + '"]');
      if (count) {
        count.textContent = String(tally[name]);
      }
      if (name === "total") {
        return;
      }
      var pct = container.querySelector('[data-pct="' + name + '"]');
      if (pct) {
        pct.textContent = String(tally[name + "_pct"]);
      }
      var seg = container.querySelector('[data-seg="' + name + '"]');
      if (seg) {
        setWidth(seg, tally[name + "_pct"]);
      }
    });
  }

  function submitPlainly(form, choice) {
    // Fall back to the ordinary POST (the button's value travels in a hidden field).
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = "choice";
    field.value = choice;
    form.appendChild(field);
    form.submit();
  }

  function onSubmit(event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-vote-form]") || !window.fetch) {
      return;
    }
    var button = event.submitter;
    if (!button || button.name !== "choice") {
      return; // let the browser submit it the ordinary way
    }
    event.preventDefault();
    var data = new FormData(form);
    data.set("choice", button.value);
    var status = form.querySelector("[data-vote-status]");
    var buttons = form.querySelectorAll('button[name="choice"]');
    buttons.forEach(function (b) {
      b.disabled = true;
    });
    button.setAttribute("aria-busy", "true");

    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": cookie("csrftoken") },
    })
      .then(function (response) {
        return response.json().then(
          function (body) {
            return { ok: response.ok, body: body };
          },
          function () {
            return { ok: false, body: null };
          }
        );
      })
      .then(function (result) {
        if (!result.body) {
          submitPlainly(form, button.value); // unexpected answer
          return;
        }
        if (result.ok && result.body.ok) {
          buttons.forEach(function (b) {
            b.setAttribute("aria-pressed", b.value === result.body.choice ? "true" : "false");
          });
          updateTally(form.closest("[data-vote-target]"), result.body.tally);
        }
        if (status) {
          status.textContent = result.body.ok ? result.body.message : result.body.error;
          status.classList.toggle("vote-form__status--error", !result.body.ok);
        }
      })
      .catch(function () {
        submitPlainly(form, button.value);
      })
      .finally(function () {
        buttons.forEach(function (b) {
          b.disabled = false;
        });
        button.removeAttribute("aria-busy");
      });
  }

  document.addEventListener("submit", onSubmit);
})();
