/*
 * Live updates of a consultation's pages. Everything works without this script: the pages are
 * ordinary pages, and a reload shows the same things.
 *
 * Hook: the element [data-live] (templates/includes/live_status.html) names the WebSocket path
 * (/ws/consultations/<slug>/), the number of the consultation's last event when the page was
 * rendered (data-live-seq), the draft and article of the comment thread on the page
 * (data-live-proposal, data-live-section), and holds the translated sentences (data-live-strings).
 * The protocol is described in realtime/README.md.
 *
 * What it does:
 * - opens the WebSocket (wss: on https pages) and shows the state in the indicator: "Live",
 *   "Reconnecting…", "Offline" (role=status, read politely by screen readers), and how many
 *   people are reading (not announced: it changes often);
 * - reconnects after a drop with exponential backoff and jitter (1 s, 2 s, 4 s … at most 30 s),
 *   at once when the browser comes back online; pings every 25 s and treats 60 s of silence as
 *   a dead connection;
 * - applies the events in number order (seq). A missing number is waited for briefly (events
 *   committed at the same moment can arrive out of order); if it does not come, or the server's
 *   number after a reconnect is ahead of ours, the client sends {"type":"resync"} and on
 *   "resync_required" fetches the page again over HTTP and swaps its live regions;
 * - updates in place: vote tallies ([data-tally], as votes.js does), comment counts, new
 *   comments and replies (built with textContent; body_html is sanitised on the server and is
 *   inserted as HTML), edits, hidden and withdrawn comments, reaction counts, the institution's
 *   answers, and the number of readers.
 *
 * Region swaps never touch what a person is writing: a form that has the focus or input that
 * differs from what the page was rendered with is kept as it is (its DOM node stays), and the
 * rest of its region is replaced around it.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-live]");
  if (!root || !window.WebSocket || !window.JSON || window.KonsultaLive) {
    return;
  }

  var PING_EVERY = 25000;
  var SILENCE_LIMIT = 60000;
  var BACKOFF_MAX = 30000;
  var GAP_WAIT = 1500;
  var RECENT_MAX = 200;

  var strings = root.querySelector("[data-live-strings]");
  var stateEl = root.querySelector("[data-live-state]");
  var presenceEl = root.querySelector("[data-live-presence]");
  var countEl = root.querySelector("[data-live-count]");
  var proposalSlug = root.getAttribute("data-live-proposal") || "";
  var threadSection = root.getAttribute("data-live-section") || "";
  var url =
    (location.protocol === "https:" ? "wss://" : "ws://") +
    location.host +
    root.getAttribute("data-live");

  var seqAttr = parseInt(root.getAttribute("data-live-seq"), 10);
  var lastSeq = isNaN(seqAttr) ? null : seqAttr; // the last number reflected on the page
  var pending = {}; // seq -> event, received ahead of a missing number
  var recent = []; // applied events, replayed after a region swap if the HTML is older
  var gapTimer = null;
  var socket = null;
  var attempts = 0;
  var reconnectTimer = null;
  var pingTimer = null;
  var lastHeard = 0;
  var stopped = false;
  var refreshing = false;
  var refreshAgain = false;

  function t(name) {
    return (strings && strings.getAttribute("data-" + name)) || "";
  }

  // --- the indicator -----------------------------------------------------------------------

  var STATE_CLASS = {
    connecting: "badge--closed",
    live: "badge--open",
    reconnecting: "badge--draft",
    offline: "badge--withdrawn",
  };

  function setState(state) {
    root.hidden = false;
    root.classList.add("badge"); // not in the HTML: .badge's display would defeat [hidden]
    Object.keys(STATE_CLASS).forEach(function (name) {
      root.classList.toggle(STATE_CLASS[name], name === state);
    });
    root.setAttribute("data-live-status", state);
    var text = t("state-" + state);
    if (stateEl && stateEl.textContent !== text) {
      stateEl.textContent = text;
    }
    if (state !== "live" && presenceEl) {
      presenceEl.hidden = true;
    }
  }

  function showPresence(count) {
    if (!presenceEl || typeof count !== "number") {
      return;
    }
    countEl.textContent = String(count);
    presenceEl.hidden = false;
  }

  // --- the connection ----------------------------------------------------------------------

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(message));
    }
  }

  function connect() {
    if (stopped) {
      return;
    }
    clearTimeout(reconnectTimer);
    setState(attempts === 0 ? "connecting" : attempts > 3 ? "offline" : "reconnecting");
    try {
      socket = new WebSocket(url);
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
      socket.close(); // a dead connection: onclose reconnects
      return;
    }
    send({ type: "ping" });
  }

  function onClose(event) {
    clearInterval(pingTimer);
    socket = null;
    if (event.code === 4404) {
      stopped = true; // this consultation is not (or no longer) visible here
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
    var delay = base / 2 + Math.random() * (base / 2); // jitter: spread the reconnections
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
          send({ type: "resync", since: lastSeq }); // we missed something while away
        }
        return;
      case "resync_required":
        if (data.seq < data.since) {
          lastSeq = data.seq; // the server's numbers went back (a restored database)
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
      return; // already on the page
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
      apply(event);
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
    if (handler) {
      try {
        handler(event, replaying);
      } catch (e) {
        refresh(event.seq); // the page did not look as expected: fetch it
      }
    }
  }

  // --- region swaps (resync) -----------------------------------------------------------------

  var REGIONS = [
    "[data-live-region]",
    ".page-header",
    "#whole-draft",
    "[data-live-tally]",
    ".article__footer",
    ".article__comments",
    "#comments",
  ].join(",");

  function refresh(targetSeq) {
    if (refreshing) {
      refreshAgain = true;
      return;
    }
    refreshing = true;
    fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        swapRegions(doc);
        var fresh = doc.querySelector("[data-live]");
        var pageSeq = fresh ? parseInt(fresh.getAttribute("data-live-seq"), 10) : NaN;
        if (isNaN(pageSeq)) {
          pageSeq = targetSeq;
        }
        // Events newer than the HTML we just inserted: apply them again (handlers are
        // idempotent), then carry on from the newer of the two numbers.
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

  function outermost(doc) {
    var all = Array.prototype.slice.call(doc.querySelectorAll(REGIONS));
    return all.filter(function (el) {
      return !el.parentElement || !el.parentElement.closest(REGIONS);
    });
  }

  function regionKey(el, all) {
    if (el.id) {
      return "#" + el.id;
    }
    var anchor = el.parentElement && el.parentElement.closest("[id]");
    var scope = anchor ? anchor.id : "";
    var index = all
      .filter(function (other) {
        var a = other.parentElement && other.parentElement.closest("[id]");
        return (a ? a.id : "") === scope && other.className === el.className;
      })
      .indexOf(el);
    return scope + "|" + el.tagName + "." + el.className + "|" + index;
  }

  function swapRegions(doc) {
    var mine = outermost(document);
    var theirs = outermost(doc);
    var fresh = {};
    theirs.forEach(function (el) {
      fresh[regionKey(el, theirs)] = el;
    });
    mine.forEach(function (el) {
      var replacement = fresh[regionKey(el, mine)];
      if (replacement) {
        morph(el, replacement);
      }
    });
  }

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

  function isProtected(el) {
    if (el.contains(root)) {
      return true; // the indicator itself stays (this script holds its elements)
    }
    var active = document.activeElement;
    if (active && active !== document.body && el.contains(active) && active.closest("form")) {
      return true;
    }
    var forms = el.tagName === "FORM" ? [el] : el.querySelectorAll("form");
    return Array.prototype.some.call(forms, function (form) {
      return Array.prototype.some.call(form.elements, isDirtyField);
    });
  }

  function childKey(el, index) {
    if (el.hasAttribute("data-live")) {
      return "[data-live]";
    }
    if (el.id) {
      return "#" + el.id;
    }
    var first = el.firstElementChild;
    if (first && first.id) {
      return ">" + first.id;
    }
    return el.tagName + "." + el.className + "@" + index;
  }

  function keyedChildren(el) {
    var counts = {};
    return Array.prototype.map.call(el.children, function (child) {
      var base = child.tagName + "." + child.className;
      counts[base] = (counts[base] || 0) + 1;
      return { el: child, key: childKey(child, counts[base]) };
    });
  }

  // Replace ``old`` with ``fresh`` (from the fetched page), keeping any form a person is using.
  // Kept nodes never move (moving a node takes the focus away): the new nodes are placed
  // around them.
  function morph(old, fresh) {
    if (old === root) {
      return;
    }
    if (!isProtected(old)) {
      old.replaceWith(document.importNode(fresh, true));
      return;
    }
    if (old.tagName === "FORM") {
      return; // the person's form stays exactly as it is
    }
    Array.prototype.forEach.call(fresh.attributes, function (attr) {
      old.setAttribute(attr.name, attr.value);
    });
    var oldKids = keyedChildren(old);
    var byKey = {};
    oldKids.forEach(function (kid) {
      byKey[kid.key] = kid.el;
    });
    var anchors = [];
    var plan = keyedChildren(fresh).map(function (kid) {
      var mineEl = byKey[kid.key];
      if (mineEl && isProtected(mineEl)) {
        morph(mineEl, kid.el);
        anchors.push(mineEl);
        return mineEl;
      }
      return document.importNode(kid.el, true);
    });
    oldKids.forEach(function (kid) {
      if (anchors.indexOf(kid.el) === -1 && !isProtected(kid.el)) {
        kid.el.remove();
      }
    });
    var waiting = [];
    plan.forEach(function (node) {
      if (anchors.indexOf(node) !== -1) {
        waiting.forEach(function (n) {
          old.insertBefore(n, node);
        });
        waiting = [];
      } else {
        waiting.push(node);
      }
    });
    waiting.forEach(function (n) {
      old.appendChild(n);
    });
  }

  // --- building comments ---------------------------------------------------------------------

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

  function formatTime(iso) {
    var date = new Date(iso);
    try {
      return date.toLocaleString(document.documentElement.lang || undefined, {
        year: "numeric",
        month: "long",
        day: "numeric",
        hour: "2-digit",
        minute: "2-digit",
      });
    } catch (e) {
      return date.toLocaleString();
    }
  }

  function authorLabel(c) {
    if (c.participant_number !== null && c.participant_number !== undefined) {
      var label = t("participant");
      if (label) {
        return label.replace("%(n)d", String(c.participant_number));
      }
    }
    return c.author;
  }

  function stanceBadge(stance) {
    var badge = el("span", "badge badge--neutral stance stance--" + stance);
    badge.appendChild(el("span", "visually-hidden", t("position") + " "));
    badge.appendChild(document.createTextNode(t("stance-" + stance) || stance));
    return badge;
  }

  function wordingBlock(text) {
    var box = el("div", "comment__wording");
    box.appendChild(el("p", "comment__wording-title", t("wording")));
    box.appendChild(el("div", "comment__wording-text", text));
    return box;
  }

  function reactionCounts(c) {
    var p = el("p", "reaction-counts");
    [
      ["agree", c.agree_count],
      ["disagree", c.disagree_count],
    ].forEach(function (pair) {
      var span = el("span", null, t(pair[0]) + " ");
      var strong = el("strong", null, String(pair[1]));
      strong.setAttribute("data-count", pair[0]);
      span.appendChild(strong);
      p.appendChild(span);
      p.appendChild(document.createTextNode(" "));
    });
    return p;
  }

  // The same structure and classes as templates/comments/_comment.html, without the person's
  // own actions (reply, react, report): they appear with the next page load.
  function buildComment(c) {
    var article = el("article", "comment comment--" + c.status + " comment--live");
    article.id = "comment-" + c.id;
    article.setAttribute("aria-labelledby", "comment-" + c.id + "-author");
    var header = el("header", "comment__header");
    var author = el("p", "comment__author");
    author.id = "comment-" + c.id + "-author";
    author.appendChild(el("strong", null, authorLabel(c)));
    header.appendChild(author);
    var meta = el("ul", "meta-list comment__meta");
    meta.setAttribute("role", "list");
    meta.appendChild(el("li", null, t("type-" + c.participant_type) || c.participant_type));
    var when = el("li");
    var time = el("time", null, formatTime(c.created_at));
    time.setAttribute("datetime", c.created_at);
    when.appendChild(time);
    meta.appendChild(when);
    meta.appendChild(el("li", "comment__number", c.tracking_number));
    header.appendChild(meta);
    header.appendChild(stanceBadge(c.stance));
    article.appendChild(header);
    var body = el("div", "comment__body prose");
    body.innerHTML = c.body_html; // sanitised by the server (comments.rendering, nh3)
    article.appendChild(body);
    if (c.proposed_wording) {
      article.appendChild(wordingBlock(c.proposed_wording));
    }
    var footer = el("footer", "comment__actions");
    footer.appendChild(reactionCounts(c));
    article.appendChild(footer);
    return article;
  }

  function commentEl(id) {
    var node = document.getElementById("comment-" + id);
    return node && node.classList.contains("comment") ? node : null;
  }

  function direct(parent, selector) {
    return Array.prototype.filter.call(parent.children, function (child) {
      return child.matches(selector);
    });
  }

  function showsThread(c) {
    return (
      !!document.getElementById("comments") &&
      c.proposal === proposalSlug &&
      (c.section || "") === threadSection
    );
  }

  function newestFirstPage() {
    var params = new URLSearchParams(location.search);
    return (params.get("sort") || "newest") === "newest" && (params.get("page") || "1") === "1";
  }

  function noticeNewComments() {
    var thread = document.getElementById("comments");
    if (!thread || thread.querySelector("[data-live-new-comments]")) {
      return;
    }
    var box = el("p", "alert alert--info live-new-comments");
    box.setAttribute("data-live-new-comments", "");
    box.appendChild(document.createTextNode(t("new-comments") + " "));
    var button = el("button", "button button--small button--secondary", t("show-them"));
    button.type = "button";
    button.addEventListener("click", function () {
      box.remove();
      refresh(lastSeq);
    });
    box.appendChild(button);
    var list = thread.querySelector(".comment-list");
    thread.insertBefore(box, list || thread.querySelector("#comment-form"));
  }

  function insertComment(c) {
    if (commentEl(c.id)) {
      return false; // already there (a replay, or the page was fetched after it)
    }
    var item = el("li");
    item.appendChild(buildComment(c));
    if (c.parent) {
      var parent = commentEl(c.parent);
      if (!parent) {
        return false; // its thread is on another page
      }
      var replies = direct(parent, "ol.comment-replies")[0];
      if (!replies) {
        replies = el("ol", "comment-replies");
        replies.setAttribute("role", "list");
        parent.appendChild(replies);
      }
      replies.appendChild(item);
      return true;
    }
    if (!showsThread(c)) {
      return false;
    }
    if (!newestFirstPage()) {
      noticeNewComments();
      return true;
    }
    var thread = document.getElementById("comments");
    var list = thread.querySelector("ol.comment-list");
    if (!list) {
      list = el("ol", "comment-list");
      list.setAttribute("role", "list");
      var empty = direct(thread, "p.empty")[0];
      if (empty) {
        empty.replaceWith(list);
      } else {
        thread.insertBefore(list, thread.querySelector("#comment-form"));
      }
    }
    list.insertBefore(item, list.firstElementChild);
    return true;
  }

  // --- counts --------------------------------------------------------------------------------

  function plural(kind, n) {
    var category = "other";
    try {
      category = new Intl.PluralRules(document.documentElement.lang || undefined).select(n);
    } catch (e) {
      category = n === 1 ? "one" : "other";
    }
    var sample = t(kind + (category === "one" ? "-1" : category === "few" ? "-2" : "-5"));
    return sample ? sample.replace(/\d+/, String(n)) : String(n);
  }

  // Change the number in the first text of ``node`` by ``delta``, in the right plural form.
  function bump(node, kind, delta) {
    if (!node) {
      return;
    }
    var text = node.firstChild;
    if (!text || text.nodeType !== Node.TEXT_NODE) {
      return;
    }
    var match = text.nodeValue.match(/\d+/);
    if (!match) {
      return;
    }
    var n = Math.max(0, parseInt(match[0], 10) + delta);
    var leading = text.nodeValue.match(/^\s*\(?/)[0];
    var trailing = text.nodeValue.match(/\)?\s*$/)[0];
    text.nodeValue = leading + plural(kind, n) + trailing;
  }

  function bumpCounts(c, delta, topLevel) {
    if (c.proposal !== proposalSlug) {
      return;
    }
    if (c.section) {
      var article = document.getElementById(c.section);
      if (article && article.classList.contains("article")) {
        var link = direct(article, ".article__comments")[0];
        bump(link && link.querySelector("a"), "comments", delta);
      }
    } else {
      bump(document.querySelector(".whole-draft__comments a"), "draft-comments", delta);
    }
    if (topLevel && showsThread(c)) {
      bump(document.querySelector("#comments .comments__count"), "conversations", delta);
    }
  }

  // --- tallies (as static/js/votes.js) -------------------------------------------------------

  function setWidth(node, pct) {
    var keep = [];
    node.classList.forEach(function (name) {
      if (!/^w-\d+$/.test(name)) {
        keep.push(name);
      }
    });
    var n = Math.max(0, Math.min(100, Math.round(Number(pct) || 0)));
    node.className = keep.concat("w-" + n).join(" ");
  }

  function updateTally(container, tally) {
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

  function tallies(event) {
    var found = [];
    var target = event.proposal + (event.section ? "/" + event.section : "");
    document.querySelectorAll("[data-live-tally]").forEach(function (box) {
      if (box.getAttribute("data-live-tally") === target) {
        found = found.concat(Array.prototype.slice.call(box.querySelectorAll("[data-tally]")));
      }
    });
    if (event.proposal === proposalSlug) {
      if (!event.section) {
        var whole = document.getElementById("whole-draft");
        if (whole) {
          found = found.concat(Array.prototype.slice.call(whole.querySelectorAll("[data-tally]")));
        }
      } else {
        var article = document.getElementById(event.section);
        if (article && article.classList.contains("article")) {
          direct(article, ".article__footer").forEach(function (footer) {
            found = found.concat(Array.prototype.slice.call(footer.querySelectorAll("[data-tally]")));
          });
        }
      }
    }
    return found;
  }

  // --- marking comments ----------------------------------------------------------------------

  function setStatus(article, status) {
    article.classList.remove("comment--published", "comment--hidden", "comment--withdrawn");
    article.classList.add("comment--" + status);
  }

  function replaceWithNotice(article, text) {
    direct(
      article,
      ".comment__body, .comment__wording, .comment__hidden, .comment__notice, .comment__response"
    ).forEach(function (node) {
      node.remove();
    });
    direct(article, ".comment__header").forEach(function (header) {
      direct(header, ".stance").forEach(function (badge) {
        badge.remove();
      });
    });
    direct(article, ".comment__actions").forEach(function (footer) {
      direct(footer, ".reaction-form, .reaction-counts, .comment__flag").forEach(function (node) {
        if (!isProtected(node)) {
          node.remove();
        }
      });
    });
    var notice = el("p", "comment__notice", text);
    var header = direct(article, ".comment__header")[0];
    var identity = direct(article, ".comment__identity")[0];
    article.insertBefore(notice, ((identity || header) || {}).nextSibling || null);
  }

  function hiddenNotice(reason) {
    var label = reason ? t("reason-" + reason) : "";
    return label ? t("hidden-reason").replace("%(reason)s", label) : t("hidden");
  }

  function updateCommentText(article, c) {
    var body = direct(article, ".comment__body")[0];
    if (body) {
      body.innerHTML = c.body_html; // sanitised by the server
    }
    direct(article, ".comment__wording").forEach(function (node) {
      node.remove();
    });
    if (c.proposed_wording && body) {
      body.after(wordingBlock(c.proposed_wording));
    }
    direct(article, ".comment__header").forEach(function (header) {
      direct(header, ".stance").forEach(function (badge) {
        badge.replaceWith(stanceBadge(c.stance));
      });
    });
  }

  function setReactionCounts(article, agree, disagree) {
    direct(article, ".comment__actions").forEach(function (footer) {
      var values = { agree: agree, disagree: disagree };
      Object.keys(values).forEach(function (name) {
        footer.querySelectorAll('[data-count="' + name + '"]').forEach(function (node) {
          if (!node.closest(".comment-replies")) {
            node.textContent = String(values[name]);
          }
        });
      });
      direct(footer, ".reaction-counts").forEach(function (p) {
        var strongs = p.querySelectorAll("strong");
        if (strongs.length === 2 && !strongs[0].hasAttribute("data-count")) {
          strongs[0].textContent = String(agree);
          strongs[1].textContent = String(disagree);
        }
      });
    });
  }

  function showResponse(article, event) {
    var box = direct(article, ".comment__response")[0];
    var fresh = el(
      "section",
      "comment__response response response--" + event.outcome
    );
    var title = el("p", "response__title");
    title.appendChild(el("strong", null, t("answer")));
    title.appendChild(document.createTextNode(" "));
    title.appendChild(
      el(
        "span",
        "badge badge--neutral outcome outcome--" + event.outcome,
        t("outcome-" + event.outcome) || event.outcome
      )
    );
    fresh.appendChild(title);
    if (event.justification) {
      var text = el("div", "response__text");
      event.justification.split(/\n{2,}/).forEach(function (para) {
        text.appendChild(el("p", null, para));
      });
      fresh.appendChild(text);
    }
    if (box) {
      box.replaceWith(fresh);
    } else {
      var footer = direct(article, ".comment__actions")[0];
      article.insertBefore(fresh, footer || null);
    }
  }

  // --- the handlers (idempotent: they may run again after a region swap) ---------------------

  var HANDLERS = {
    "comment.created": function (event, replaying) {
      var c = event.comment;
      var inserted = insertComment(c);
      if (!replaying || inserted) {
        bumpCounts(c, 1, !c.parent);
      }
    },
    "comment.updated": function (event) {
      var article = commentEl(event.comment.id);
      if (article && article.classList.contains("comment--published")) {
        updateCommentText(article, event.comment);
      }
    },
    "comment.restored": function (event) {
      var article = commentEl(event.comment.id);
      if (!article || article.classList.contains("comment--published")) {
        return;
      }
      var fresh = buildComment(event.comment);
      direct(article, "ol.comment-replies").forEach(function (replies) {
        fresh.appendChild(replies);
      });
      article.replaceWith(fresh);
    },
    "comment.hidden": function (event) {
      var article = commentEl(event.id);
      if (article && !article.classList.contains("comment--hidden")) {
        setStatus(article, "hidden");
        replaceWithNotice(article, hiddenNotice(event.reason));
      }
    },
    "comment.withdrawn": function (event, replaying) {
      var article = commentEl(event.id);
      if (article && article.classList.contains("comment--withdrawn")) {
        return;
      }
      if (article) {
        setStatus(article, "withdrawn");
        replaceWithNotice(article, t("withdrawn"));
      }
      if (!replaying) {
        bumpCounts(event, -1, false);
      }
    },
    "reaction.changed": function (event) {
      var article = commentEl(event.id);
      if (article) {
        setReactionCounts(article, event.agree_count, event.disagree_count);
      }
    },
    "vote.changed": function (event) {
      tallies(event).forEach(function (box) {
        updateTally(box, event.tally);
      });
    },
    "response.published": function (event) {
      var article = event.id ? commentEl(event.id) : null;
      if (article && article.classList.contains("comment--published")) {
        showResponse(article, event);
      }
    },
    "consultation.status_changed": function (event, replaying) {
      if (!replaying) {
        // Forms, badges and texts depend on the state: fetch the page, spread over 3 s so
        // that everyone reading does not ask at the same instant.
        setTimeout(function () {
          refresh(event.seq);
        }, Math.random() * 3000);
      }
    },
  };

  window.KonsultaLive = {
    state: function () {
      return root.getAttribute("data-live-status");
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
