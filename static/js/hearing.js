/*
 * A public hearing, live. The page works without this script (every form posts and the page
 * comes back); with it, what anyone posts, upvotes, or what the moderators answer or hide shows
 * at once, and the forms post without leaving the page.
 *
 * Hook: [data-hearing] (templates/hearings/detail.html): the hearing's id, the consultation's
 * WebSocket path (data-hearing-ws), the number of the consultation's last event when the page was
 * rendered (data-hearing-seq), the order of the items (data-hearing-sort), the page's own URL
 * (data-hearing-url), data-hearing-moderator for the institution's officials and moderators; a
 * <template data-hearing-item-template> with an item as this person sees it (their upvote and
 * moderation forms, item id 0), and the translated sentences ([data-hearing-strings]).
 *
 * The connection: the consultation's WebSocket (realtime/README.md), the same endpoint as
 * static/js/live.js. live.js exposes no way to receive other event types, and this page does
 * not load it, so this script opens the one connection of the page itself, with the same rules:
 * reconnect with backoff and jitter, ping every 25 s, 60 s of silence is a dead connection,
 * events applied in number order, a gap waited for 1.5 s and then a "resync", and on
 * "resync_required" the page's regions ([data-hearing-region]) are fetched again over HTTP.
 *
 * Events (hearings/events.py): hearing.item_posted (a new item, inserted in order),
 * hearing.item_upvoted (the count), hearing.item_answered (the badge and the note),
 * hearing.item_hidden (the text goes; moderators fetch the page: they see the hidden text),
 * hearing.item_restored, hearing.status_changed / hearing.updated (the page is fetched again:
 * the form opens or closes). Texts are inserted with textContent only.
 *
 * What a person types is never lost: region swaps keep a form that has the focus or typed text;
 * when the hearing closes with text in the post form, the text stays on the page to copy.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-hearing]");
  if (!root || !window.JSON || !window.fetch || !window.FormData) {
    return;
  }

  var PING_EVERY = 25000;
  var SILENCE_LIMIT = 60000;
  var BACKOFF_MAX = 30000;
  var GAP_WAIT = 1500;
  var RECENT_MAX = 200;

  var hearingId = parseInt(root.getAttribute("data-hearing"), 10);
  var sort = root.getAttribute("data-hearing-sort") || "top";
  var pageUrl = root.getAttribute("data-hearing-url") || location.href;
  var moderator = root.hasAttribute("data-hearing-moderator");
  var strings = root.querySelector("[data-hearing-strings]");
  var template = root.querySelector("template[data-hearing-item-template]");
  var liveEl = root.querySelector("[data-hearing-live]");
  var stateEl = root.querySelector("[data-hearing-live-state]");
  var presenceEl = root.querySelector("[data-hearing-presence]");
  var presenceCount = root.querySelector("[data-hearing-presence-count]");

  var seqAttr = parseInt(root.getAttribute("data-hearing-seq"), 10);
  var lastSeq = isNaN(seqAttr) ? null : seqAttr;
  var pending = {};
  var recent = [];
  var gapTimer = null;
  var socket = null;
  var attempts = 0;
  var reconnectTimer = null;
  var pingTimer = null;
  var lastHeard = 0;
  var stopped = false;
  var refreshing = false;
  var refreshAgain = false;
  var mine = {}; // ids of the items this person posted from this page

  function t(name) {
    return (strings && strings.getAttribute("data-" + name)) || "";
  }

  function q(node, selector) {
    return node.querySelector(selector);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  // --- the indicator ---------------------------------------------------------------------------

  function setState(state) {
    if (!liveEl) {
      return;
    }
    liveEl.hidden = false;
    liveEl.setAttribute("data-live-status", state);
    if (stateEl) {
      stateEl.textContent = t("state-" + state);
    }
    if (state !== "live" && presenceEl) {
      presenceEl.hidden = true;
    }
  }

  function showPresence(count) {
    if (presenceEl && presenceCount && typeof count === "number") {
      presenceCount.textContent = String(count);
      presenceEl.hidden = false;
    }
  }

  // --- the connection --------------------------------------------------------------------------

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(message));
    }
  }

  function connect() {
    if (stopped || !window.WebSocket) {
      return;
    }
    clearTimeout(reconnectTimer);
    setState(attempts === 0 ? "connecting" : attempts > 3 ? "offline" : "reconnecting");
    try {
      socket = new WebSocket(
        (location.protocol === "https:" ? "wss://" : "ws://") +
          location.host +
          root.getAttribute("data-hearing-ws")
      );
    } catch (e) {
      scheduleReconnect();
      return;
    }
    socket.onmessage = onMessage;
    socket.onclose = onClose;
    socket.onopen = function () {
      lastHeard = Date.now();
      clearInterval(pingTimer);
      pingTimer = setInterval(heartbeat, PING_EVERY);
    };
  }

  function heartbeat() {
    if (Date.now() - lastHeard > SILENCE_LIMIT) {
      socket.close();
      return;
    }
    send({ type: "ping" });
  }

  function onClose(event) {
    clearInterval(pingTimer);
    socket = null;
    if (event.code === 4404) {
      stopped = true;
      setState("offline");
      return;
    }
    scheduleReconnect();
  }

  function scheduleReconnect() {
    if (stopped) {
      return;
    }
    var base = Math.min(BACKOFF_MAX, 1000 * Math.pow(2, attempts));
    var delay = base / 2 + Math.random() * (base / 2);
    attempts += 1;
    setState(attempts > 3 || navigator.onLine === false ? "offline" : "reconnecting");
    reconnectTimer = setTimeout(connect, delay);
  }

  window.addEventListener("online", function () {
    if (!socket && !stopped) {
      attempts = Math.min(attempts, 1);
      connect();
    }
  });

  function onMessage(message) {
    lastHeard = Date.now();
    var data;
    try {
      data = JSON.parse(message.data);
    } catch (e) {
      return;
    }
    if (!data || typeof data.type !== "string") {
      return;
    }
    switch (data.type) {
      case "hello":
        attempts = 0;
        setState("live");
        showPresence(data.presence);
        if (lastSeq === null) {
          lastSeq = data.seq;
        } else if (data.seq !== lastSeq) {
          send({ type: "resync", since: lastSeq });
        }
        return;
      case "resync_required":
        if (data.seq < data.since) {
          lastSeq = data.seq;
        }
        if (data.seq !== data.since) {
          refresh(data.seq);
        }
        return;
      case "presence":
        showPresence(data.count);
        return;
      case "pong":
      case "error":
        return;
      default:
        if (typeof data.seq === "number") {
          receive(data);
        }
    }
  }

  // --- ordering --------------------------------------------------------------------------------

  function receive(event) {
    if (lastSeq !== null && event.seq <= lastSeq) {
      return;
    }
    pending[event.seq] = event;
    drain();
    if (Object.keys(pending).length && !gapTimer) {
      gapTimer = setTimeout(function () {
        gapTimer = null;
        if (Object.keys(pending).length) {
          send({ type: "resync", since: lastSeq });
        }
      }, GAP_WAIT);
    }
  }

  function drain() {
    while (lastSeq !== null && pending[lastSeq + 1]) {
      var event = pending[lastSeq + 1];
      delete pending[lastSeq + 1];
      lastSeq = event.seq;
      apply(event, false);
    }
    if (!Object.keys(pending).length && gapTimer) {
      clearTimeout(gapTimer);
      gapTimer = null;
    }
  }

  function apply(event, replaying) {
    if (!replaying) {
      recent.push(event);
      if (recent.length > RECENT_MAX) {
        recent.shift();
      }
    }
    var handler = HANDLERS[event.type];
    if (!handler) {
      return; // the consultation's other events: comments, votes, other hearings' scheduling
    }
    try {
      handler(event, replaying);
    } catch (e) {
      refresh(event.seq);
    }
  }

  // --- items -----------------------------------------------------------------------------------

  function list() {
    return q(root, "[data-hearing-items]");
  }

  function itemEl(id) {
    var node = document.getElementById("item-" + id);
    return node && node.hasAttribute("data-item") ? node : null;
  }

  function authorLabel(item) {
    if (typeof item.participant_number === "number") {
      return t("participant").replace("%(n)d", String(item.participant_number));
    }
    return item.author;
  }

  function formatTime(iso) {
    try {
      return new Date(iso).toLocaleTimeString(document.documentElement.lang || undefined, {
        hour: "2-digit",
        minute: "2-digit",
      });
    } catch (e) {
      return iso;
    }
  }

  var ID_ATTRS = ["id", "for", "aria-labelledby", "action"];

  function fixIds(node, id) {
    [node].concat(Array.prototype.slice.call(node.querySelectorAll("*"))).forEach(function (n) {
      ID_ATTRS.forEach(function (name) {
        var value = n.getAttribute(name);
        if (value) {
          n.setAttribute(
            name,
            value
              .replace(/\/items\/0\//g, "/items/" + id + "/")
              .replace(/\b(item|note|reason)-0\b/g, "$1-" + id)
          );
        }
      });
    });
  }

  function buildItem(item) {
    var proto = template && template.content.firstElementChild;
    if (!proto) {
      throw new Error("no item template");
    }
    var li = proto.cloneNode(true);
    fixIds(li, item.id);
    var author = authorLabel(item);
    li.id = "item-" + item.id;
    li.className =
      "hearing-item hearing-item--" + item.status + " hearing-item--" + item.kind + " hearing-item--new";
    li.setAttribute("data-item", String(item.id));
    li.setAttribute("data-upvotes", String(item.upvote_count));
    li.setAttribute("data-created", item.created_at);
    li.setAttribute("data-status", item.status);
    q(li, "[data-kind-label]").textContent = t("kind-" + item.kind) || item.kind;
    q(li, "[data-author]").textContent = author;
    var label = q(li, "[data-upvote-label]");
    if (label) {
      label.textContent = label.textContent.replace("%(author)s", author);
    }
    var time = q(li, "[data-time]");
    time.setAttribute("datetime", item.created_at);
    time.textContent = formatTime(item.created_at);
    q(li, "[data-body]").textContent = item.body;
    setCount(li, item.upvote_count);
    setAnswered(li, item.status === "answered", item.answer_note);
    if (mine[item.id]) {
      markMine(li);
    }
    return li;
  }

  function setCount(li, count) {
    li.setAttribute("data-upvotes", String(count));
    li.querySelectorAll("[data-upvote-count]").forEach(function (node) {
      node.textContent = String(count);
    });
  }

  function setAnswered(li, answered, note) {
    var badge = q(li, "[data-answered-badge]");
    if (badge) {
      badge.hidden = !answered;
    }
    var box = q(li, "[data-answer]");
    if (box) {
      q(box, "[data-answer-note]").textContent = note || "";
      box.hidden = !(answered && note);
    }
    if (answered) {
      li.classList.remove("hearing-item--visible");
      li.classList.add("hearing-item--answered");
      li.setAttribute("data-status", "answered");
    }
  }

  function markMine(li) {
    if (li.classList.contains("hearing-item--mine")) {
      return;
    }
    li.classList.add("hearing-item--mine");
    var author = q(li, "[data-author]");
    if (author && !q(li, "[data-mine-tag]")) {
      var tag = el("span", "tag", t("yours"));
      tag.setAttribute("data-mine-tag", "");
      author.after(document.createTextNode(" "), tag);
    }
    var form = q(li, "form[data-hearing-upvote]");
    if (form) {
      // Nobody upvotes their own post: show the count instead of the button.
      var votes = el("p", "hearing-item__votes");
      votes.appendChild(el("span", null, "▲ "));
      var count = el("strong", null, li.getAttribute("data-upvotes") || "0");
      count.setAttribute("data-upvote-count", "");
      votes.appendChild(count);
      form.replaceWith(votes);
    }
  }

  function comesBefore(a, b) {
    // Sort order of the page: most upvoted (then newest) or newest.
    var ca = a.getAttribute("data-created") || "";
    var cb = b.getAttribute("data-created") || "";
    if (sort === "top") {
      var ua = parseInt(a.getAttribute("data-upvotes"), 10) || 0;
      var ub = parseInt(b.getAttribute("data-upvotes"), 10) || 0;
      if (ua !== ub) {
        return ua > ub;
      }
    }
    if (ca !== cb) {
      return new Date(ca) > new Date(cb);
    }
    return Number(a.getAttribute("data-item")) > Number(b.getAttribute("data-item"));
  }

  function holdsFocus(node) {
    var active = document.activeElement;
    return active && active !== document.body && node.contains(active);
  }

  function place(li) {
    var ol = list();
    if (!ol || (li.parentNode === ol && holdsFocus(li))) {
      return; // never move what someone is using
    }
    var before = null;
    var kids = ol.children;
    for (var i = 0; i < kids.length; i += 1) {
      if (kids[i] !== li && comesBefore(li, kids[i])) {
        before = kids[i];
        break;
      }
    }
    if (before === li.nextElementSibling && li.parentNode === ol) {
      return;
    }
    ol.insertBefore(li, before);
  }

  function bumpTotal(delta) {
    var node = q(root, "[data-hearing-count]");
    if (!node) {
      return;
    }
    var match = node.textContent.match(/\d+/);
    if (match) {
      node.textContent = "(" + Math.max(0, parseInt(match[0], 10) + delta) + ")";
    }
    var empty = q(root, "[data-hearing-empty]");
    if (empty) {
      empty.hidden = !!(list() && list().children.length);
    }
  }

  function hideItem(li, reason) {
    if (li.classList.contains("hearing-item--hidden")) {
      return false;
    }
    li.classList.remove("hearing-item--visible", "hearing-item--answered");
    li.classList.add("hearing-item--hidden");
    li.setAttribute("data-status", "hidden");
    ["[data-body]", "[data-actions]"].forEach(function (selector) {
      var node = q(li, selector);
      if (node) {
        node.remove();
      }
    });
    var box = q(li, "[data-answer]");
    if (box) {
      box.hidden = true;
    }
    var badge = q(li, "[data-answered-badge]");
    if (badge) {
      badge.hidden = true;
    }
    var label = reason ? t("reason-" + reason) : "";
    var notice = el(
      "p",
      "hearing-item__notice",
      label ? t("hidden-reason").replace("%(reason)s", label) : t("hidden")
    );
    notice.setAttribute("data-notice", "");
    var header = q(li, ".hearing-item__header");
    header.after(notice);
    return true;
  }

  // --- the handlers (idempotent: they may run again after a region swap) ---------------------

  function forThisHearing(id) {
    return Number(id) === hearingId;
  }

  var HANDLERS = {
    "hearing.item_posted": function (event) {
      var item = event.item;
      if (!forThisHearing(item.hearing_id) || itemEl(item.id)) {
        return;
      }
      var li = buildItem(item);
      place(li);
      bumpTotal(1);
    },
    "hearing.item_upvoted": function (event) {
      var li = forThisHearing(event.hearing_id) && itemEl(event.id);
      if (li) {
        setCount(li, event.upvote_count);
        place(li);
      }
    },
    "hearing.item_answered": function (event) {
      var li = forThisHearing(event.hearing_id) && itemEl(event.id);
      if (li && !li.classList.contains("hearing-item--hidden")) {
        setAnswered(li, true, event.answer_note);
      }
    },
    "hearing.item_hidden": function (event, replaying) {
      var li = forThisHearing(event.hearing_id) && itemEl(event.id);
      if (!li) {
        return;
      }
      if (moderator) {
        if (!replaying) {
          refresh(event.seq); // moderators see the hidden text and the restore button
        }
        return;
      }
      if (hideItem(li, event.reason)) {
        bumpTotal(-1);
      }
    },
    "hearing.item_restored": function (event, replaying) {
      var item = event.item;
      var li = forThisHearing(item.hearing_id) && itemEl(item.id);
      if (!forThisHearing(item.hearing_id)) {
        return;
      }
      if (moderator) {
        if (!replaying) {
          refresh(event.seq);
        }
        return;
      }
      if (li && !li.classList.contains("hearing-item--hidden")) {
        return;
      }
      var fresh = buildItem(item);
      fresh.classList.remove("hearing-item--new");
      if (li) {
        li.replaceWith(fresh);
      }
      place(fresh);
      bumpTotal(1);
    },
    "hearing.status_changed": function (event, replaying) {
      if (forThisHearing(event.hearing.id) && !replaying) {
        refresh(event.seq); // the form opens or closes, the badge and times change
      }
    },
    "hearing.updated": function (event, replaying) {
      if (forThisHearing(event.hearing.id) && !replaying) {
        refresh(event.seq);
      }
    },
  };

  // --- fetching the page again -----------------------------------------------------------------

  function isDirtyField(field) {
    if (field.type === "checkbox" || field.type === "radio") {
      return field.checked !== field.defaultChecked;
    }
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (o) {
        return o.selected !== o.defaultSelected;
      });
    }
    if (field.type === "hidden" || field.type === "submit" || field.type === "button") {
      return false;
    }
    return "defaultValue" in field && field.value !== field.defaultValue;
  }

  function isProtected(node) {
    if (holdsFocus(node) && document.activeElement.closest("form")) {
      return true;
    }
    var forms = node.tagName === "FORM" ? [node] : node.querySelectorAll("form");
    return Array.prototype.some.call(forms, function (form) {
      return Array.prototype.some.call(form.elements, isDirtyField);
    });
  }

  function swapItems(old, fresh) {
    // Keep the items someone is using (a note being typed); replace the others.
    var freshList = q(fresh, "[data-hearing-items]");
    var oldList = q(old, "[data-hearing-items]");
    if (!freshList || !oldList) {
      old.replaceWith(document.importNode(fresh, true));
      return;
    }
    var kept = {};
    Array.prototype.forEach.call(oldList.children, function (li) {
      if (isProtected(li)) {
        kept[li.id] = li;
      }
    });
    var keys = Object.keys(kept);
    if (!keys.length) {
      var replacement = document.importNode(fresh, true);
      old.replaceWith(replacement);
      Object.keys(mine).forEach(function (id) {
        var li = itemEl(id);
        if (li) {
          markMine(li);
        }
      });
      return;
    }
    // Replace everything around the kept items, which stay where they are.
    Array.prototype.forEach.call(old.children, function (child) {
      if (child !== oldList) {
        child.remove();
      }
    });
    Array.prototype.forEach.call(fresh.children, function (child) {
      if (child !== freshList) {
        old.insertBefore(document.importNode(child, true), oldList);
      }
    });
    Array.prototype.slice.call(oldList.children).forEach(function (li) {
      if (!kept[li.id]) {
        li.remove();
      }
    });
    var waiting = [];
    Array.prototype.forEach.call(freshList.children, function (li) {
      var keep = kept[li.id];
      if (keep) {
        waiting.forEach(function (n) {
          oldList.insertBefore(n, keep);
        });
        waiting = [];
      } else {
        var node = document.importNode(li, true);
        if (mine[li.getAttribute("data-item")]) {
          markMine(node);
        }
        waiting.push(node);
      }
    });
    waiting.forEach(function (n) {
      oldList.appendChild(n);
    });
  }

  function swapForm(old, fresh) {
    var oldForm = q(old, "form[data-hearing-post]");
    var freshForm = q(fresh, "form[data-hearing-post]");
    if (oldForm && freshForm && (isProtected(oldForm) || old.getAttribute("data-status") === fresh.getAttribute("data-status"))) {
      return; // the same form: leave it (and what is typed in it) alone
    }
    var text = "";
    if (oldForm) {
      var body = q(oldForm, "textarea[name=body]");
      text = body ? body.value : "";
    }
    var replacement = document.importNode(fresh, true);
    old.replaceWith(replacement);
    if (!text.trim()) {
      return;
    }
    var newBody = q(replacement, "textarea[name=body]");
    if (newBody) {
      newBody.value = text;
      return;
    }
    var box = el("div", "hearing-unsent");
    var id = "hearing-unsent-" + Date.now();
    var label = el("label", "field__label", t("unsent"));
    label.setAttribute("for", id);
    var area = el("textarea", "textarea");
    area.id = id;
    area.readOnly = true;
    area.value = text;
    box.appendChild(label);
    box.appendChild(area);
    replacement.appendChild(box);
  }

  function swapRegions(doc) {
    root.querySelectorAll("[data-hearing-region]").forEach(function (old) {
      var name = old.getAttribute("data-hearing-region");
      var fresh = doc.querySelector('[data-hearing-region="' + name + '"]');
      if (!fresh) {
        return;
      }
      if (name === "items") {
        swapItems(old, fresh);
      } else if (name === "form") {
        swapForm(old, fresh);
      } else if (!isProtected(old)) {
        old.replaceWith(document.importNode(fresh, true));
      }
    });
    var freshTemplate = doc.querySelector("template[data-hearing-item-template]");
    if (freshTemplate && template) {
      template.replaceWith(document.importNode(freshTemplate, true));
      template = root.querySelector("template[data-hearing-item-template]");
    }
  }

  function refresh(targetSeq) {
    if (refreshing) {
      refreshAgain = true;
      return;
    }
    refreshing = true;
    fetch(pageUrl, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        swapRegions(doc);
        var freshRoot = doc.querySelector("[data-hearing]");
        var pageSeq = freshRoot ? parseInt(freshRoot.getAttribute("data-hearing-seq"), 10) : NaN;
        if (isNaN(pageSeq)) {
          pageSeq = targetSeq || 0;
        }
        recent.forEach(function (event) {
          if (event.seq > pageSeq) {
            apply(event, true);
          }
        });
        lastSeq = Math.max(lastSeq === null ? 0 : lastSeq, pageSeq, targetSeq || 0);
        Object.keys(pending).forEach(function (seq) {
          if (Number(seq) <= lastSeq) {
            delete pending[seq];
          }
        });
        drain();
      })
      .catch(function () {
        /* the next event or reconnection tries again */
      })
      .then(function () {
        refreshing = false;
        if (refreshAgain) {
          refreshAgain = false;
          refresh(lastSeq);
        }
      });
  }

  // --- forms -----------------------------------------------------------------------------------

  function postForm(form) {
    // getAttribute: form.action would be the upvote form's <input name="action">.
    return fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "fetch" },
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        throw new Error("not JSON"); // a sign-in page, say: let the form post as usual
      }
      return response.json();
    });
  }

  function showErrors(form, data) {
    var box = q(form, "[data-hearing-errors]");
    if (!box) {
      return;
    }
    box.textContent = "";
    var ul = el("ul");
    var messages = [];
    if (data.errors) {
      Object.keys(data.errors).forEach(function (name) {
        messages = messages.concat(data.errors[name]);
      });
    } else if (data.error) {
      messages.push(data.error);
    }
    messages.forEach(function (message) {
      ul.appendChild(el("li", null, message));
    });
    box.appendChild(ul);
    box.hidden = !messages.length;
    if (messages.length) {
      box.focus();
    }
  }

  function onPost(form) {
    var status = q(form, "[data-hearing-post-status]");
    var button = q(form, "button[type=submit]");
    var body = q(form, "textarea[name=body]");
    status.className = "hearing-post__status";
    status.textContent = t("sending");
    button.disabled = true;
    postForm(form)
      .then(function (data) {
        if (data.ok) {
          mine[data.item] = true;
          var li = itemEl(data.item);
          if (li) {
            markMine(li);
          }
          body.value = "";
          body.defaultValue = "";
          showErrors(form, {});
          status.textContent = data.message || t("posted");
        } else {
          showErrors(form, data);
          status.className = "hearing-post__status hearing-post__status--error";
          status.textContent = data.error || t("failed");
        }
      })
      .catch(function (error) {
        if (error && error.message === "not JSON") {
          form.submit();
          return;
        }
        status.className = "hearing-post__status hearing-post__status--error";
        status.textContent = t("failed"); // the text stays in the box
      })
      .then(function () {
        button.disabled = false;
      });
  }

  function onUpvote(form) {
    var button = q(form, "button");
    var action = q(form, "[data-upvote-action]");
    button.setAttribute("aria-busy", "true");
    postForm(form)
      .then(function (data) {
        if (!data.ok) {
          button.title = data.error || "";
          return;
        }
        button.setAttribute("aria-pressed", data.upvoted ? "true" : "false");
        action.value = data.upvoted ? "unupvote" : "upvote";
        var li = form.closest("[data-item]");
        if (li) {
          setCount(li, data.count);
          place(li);
        }
      })
      .catch(function (error) {
        if (error && error.message === "not JSON") {
          form.submit(); // a sign-in page, say: the ordinary post handles it
        }
      })
      .then(function () {
        button.removeAttribute("aria-busy");
      });
  }

  function settle(form) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.tagName === "SELECT") {
        Array.prototype.forEach.call(field.options, function (option) {
          option.defaultSelected = option.selected;
        });
      } else if (field.type === "checkbox" || field.type === "radio") {
        field.defaultChecked = field.checked;
      } else if ("defaultValue" in field) {
        field.defaultValue = field.value;
      }
    });
  }

  function onAction(form) {
    var button = q(form, "button[type=submit]");
    button.disabled = true;
    postForm(form)
      .then(function (data) {
        if (!data.ok) {
          button.title = data.error || "";
          return;
        }
        settle(form); // what was sent is no longer "typed": the region swap may replace it
        var details = form.closest("details");
        if (details) {
          details.open = false;
        }
        if (document.activeElement && form.contains(document.activeElement)) {
          document.activeElement.blur();
        }
        refresh(lastSeq); // the moderator's view: the hidden text, the restore button
      })
      .catch(function (error) {
        if (error && error.message === "not JSON") {
          form.submit();
        }
      })
      .then(function () {
        button.disabled = false;
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!root.contains(form)) {
      return;
    }
    if (form.hasAttribute("data-hearing-post")) {
      event.preventDefault();
      onPost(form);
    } else if (form.hasAttribute("data-hearing-upvote")) {
      event.preventDefault();
      onUpvote(form);
    } else if (form.hasAttribute("data-hearing-action")) {
      event.preventDefault();
      onAction(form);
    }
  });

  window.KonsultaHearing = {
    state: function () {
      return liveEl ? liveEl.getAttribute("data-live-status") : null;
    },
    seq: function () {
      return lastSeq;
    },
    refresh: function () {
      refresh(lastSeq);
    },
  };

  connect();
})();
