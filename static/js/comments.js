/*
 * Comments without page reloads where it helps. Everything works without this script: the
 * reaction and flag forms POST and come back to the comment with a message.
 *
 * - Agree / disagree buttons (form[data-reaction-form]): the same POST with fetch asking for
 *   JSON; the buttons' aria-pressed and the counts are updated in place.
 * - Flag forms (form[data-flag-form]): sent with fetch; the answer is shown in the form.
 * - "Start from the current text" (button[data-fill-wording]): copies the article's current text
 *   into the proposed wording, asking first when something is written there already. The button
 *   is hidden in the HTML and shown only here.
 * - A form's error summary gets the focus when the page loads, so it is read first.
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

  function post(form, data) {
    return fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": cookie("csrftoken") },
    }).then(function (response) {
      return response.json().then(
        function (body) {
          return { ok: response.ok, body: body };
        },
        function () {
          return { ok: false, body: null };
        }
      );
    });
  }

  function submitPlainly(form, name, value) {
    if (name) {
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = name;
      field.value = value;
      form.appendChild(field);
    }
    form.submit();
  }

  function showStatus(el, text, isError, errorClass) {
    if (!el) {
      return;
    }
    el.textContent = text || "";
    el.classList.toggle(errorClass, Boolean(isError));
  }

  function onReaction(event) {
    var form = event.target;
    var button = event.submitter;
    if (!button || button.name !== "value") {
      return;
    }
    event.preventDefault();
    var data = new FormData(form);
    data.set("value", button.value);
    var buttons = form.querySelectorAll('button[name="value"]');
    var status = form.querySelector("[data-reaction-status]");
    buttons.forEach(function (b) {
      b.disabled = true;
    });
    button.setAttribute("aria-busy", "true");
    post(form, data)
      .then(function (result) {
        if (!result.body) {
          submitPlainly(form, "value", button.value);
          return;
        }
        if (result.ok && result.body.ok) {
          buttons.forEach(function (b) {
            b.setAttribute("aria-pressed", b.value === result.body.value ? "true" : "false");
          });
          ["agree", "disagree"].forEach(function (name) {
            var count = form.querySelector('[data-count="' + name + '"]');
            if (count) {
              count.textContent = String(result.body[name]);
            }
          });
        }
        showStatus(
          status,
          result.body.ok ? result.body.message : result.body.error,
          !result.body.ok,
          "reaction-form__status--error"
        );
      })
      .catch(function () {
        submitPlainly(form, "value", button.value);
      })
      .finally(function () {
        buttons.forEach(function (b) {
          b.disabled = false;
        });
        button.removeAttribute("aria-busy");
      });
  }

  function onFlag(event) {
    var form = event.target;
    event.preventDefault();
    var status = form.querySelector("[data-flag-status]");
    var button = form.querySelector('button[type="submit"]');
    if (button) {
      button.disabled = true;
    }
    post(form, new FormData(form))
      .then(function (result) {
        if (!result.body) {
          submitPlainly(form);
          return;
        }
        var ok = result.ok && result.body.ok;
        showStatus(
          status,
          ok ? result.body.message : result.body.error,
          !ok,
          "flag-form__status--error"
        );
        if (ok) {
          form.querySelectorAll("select, input, button").forEach(function (el) {
            el.disabled = true;
          });
        } else if (button) {
          button.disabled = false;
        }
      })
      .catch(function () {
        submitPlainly(form);
      });
  }

  function onSubmit(event) {
    if (!window.fetch || !event.target.matches) {
      return;
    }
    if (event.target.matches("form[data-reaction-form]")) {
      onReaction(event);
    } else if (event.target.matches("form[data-flag-form]")) {
      onFlag(event);
    }
  }

  function setUpWordingButtons() {
    document.querySelectorAll("button[data-fill-wording]").forEach(function (button) {
      var target = document.getElementById(button.getAttribute("data-fill-wording"));
      if (!target) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        var text = button.getAttribute("data-text") || "";
        var current = target.value.trim();
        if (current && current !== text.trim()) {
          if (!window.confirm(button.getAttribute("data-confirm") || "")) {
            return;
          }
        }
        target.value = text;
        target.focus();
      });
    });
  }

  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  function start() {
    setUpWordingButtons();
    focusErrorSummary();
  }

  document.addEventListener("submit", onSubmit);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
