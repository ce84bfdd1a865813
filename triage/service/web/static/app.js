// The moderator inbox. Plain JavaScript over the /v1 JSON API; the session cookie authorises
// the calls, and every call that changes something sends X-Triage-CSRF: 1.
// Text from the API is only ever set with textContent, never parsed as HTML. Names (channels,
// authors, keys) are shown in <bdi> (or as FSI..PDI in plain strings), so a right-to-left name
// or a bidi control character in one cannot reorder the page's own words around it.
"use strict";
(function () {
  const QUEUES = ["urgent", "questions", "spam", "praise", "abuse", "other"];
  // Not a queue: the comments nobody has labelled yet, least certain first (active learning).
  const REVIEW = "review";
  const TAGS = ["question", "complaint", "spam", "praise", "abuse"];
  const SENTIMENTS = ["negative", "neutral", "positive"];
  // How soon a human must act: a moderator's correction (docs/labelling.md), for retraining.
  const PRIORITIES = ["high", "normal", "low"];
  // The queues with bulk actions, and which: abuse is hidden in bulk, never deleted (a hidden
  // comment can still be looked at, e.g. when someone reports a threat).
  const BULK = { spam: ["hidden", "deleted"], abuse: ["hidden"] };
  // The setting "Blur abusive text" (default on), kept in this browser.
  const BLUR_KEY = "triage.blurAbusive";
  const ACTIONS = [
    ["replied", "Replied"],
    ["hidden", "Hidden"],
    ["deleted", "Deleted"],
    ["dismissed", "Dismissed"],
  ];
  const PAGE = 50;
  const MAX_LIST = 500;
  // Tests shorten these with an init script; people get the defaults.
  const POLL_MS = window.TRIAGE_POLL_MS || 10000;
  const UNDO_MS = window.TRIAGE_UNDO_MS || 10000;

  const $ = (id) => document.getElementById(id);

  const S = {
    me: null,
    counts: null,
    f: { channel: "", queue: "urgent", lang: "", tag: "", q: "", view: "" },
    items: [],
    cursor: null,
    current: null,
    currentIndex: 0,
    selected: new Set(),
    panel: null, // {id, kind: "resolve" | "relabel"}
    pending: null, // a bulk action waiting for its undo window to pass
    langs: new Set(),
    corrections: new Map(),
    campaigns: [],
    seq: 0,
    nodes: new Map(), // id -> {el, sig}
    overviewKey: "",
    renders: 0,
    blur: true, // blur the text of comments tagged abuse until they are clicked
    revealed: new Set(), // ids of abusive comments shown on request (for this page's life)
  };

  // --- helpers -------------------------------------------------------------------------------

  function h(tag, props, children) {
    const el = document.createElement(tag);
    const p = props || {};
    for (const [k, v] of Object.entries(p)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "text") el.textContent = v;
      else if (k === "className") el.className = v;
      else if (k === "on") for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
      else if (k === "dataset") Object.assign(el.dataset, v);
      else if (k === "hidden" || k === "disabled" || k === "checked") el[k] = true;
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children || []) if (c !== null && c !== undefined && c !== false) el.append(c);
    return el;
  }

  // A name as an isolated piece of the page (children of h()), and as isolated plain text.
  function bdi(name) {
    return h("bdi", { text: String(name) });
  }

  function iso(name) {
    return "\u2068" + String(name) + "\u2069";
  }

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  function detailText(body, status) {
    const d = body && body.detail;
    if (typeof d === "string") return d;
    if (Array.isArray(d)) return d.map((e) => (e && e.msg) || String(e)).join("; ");
    return "Request failed (" + status + ").";
  }

  async function api(method, path, body, opts) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") headers["X-Triage-CSRF"] = "1";
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let r;
    try {
      r = await fetch(path, {
        method,
        headers,
        credentials: "same-origin",
        body: body === undefined ? undefined : JSON.stringify(body),
        keepalive: !!(opts && opts.keepalive),
      });
    } catch (_) {
      throw new ApiError(0, "The server cannot be reached; retrying.");
    }
    if (r.status === 401) {
      window.location.replace("/login");
      throw new ApiError(401, "Signed out.");
    }
    let data = null;
    try {
      data = await r.json();
    } catch (_) {
      /* no body */
    }
    if (!r.ok) throw new ApiError(r.status, detailText(data, r.status));
    return data;
  }

  function fmtAge(iso) {
    const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
    if (s < 60) return "now";
    if (s < 3600) return Math.floor(s / 60) + " min";
    if (s < 86400) return Math.floor(s / 3600) + " h";
    return Math.floor(s / 86400) + " d";
  }

  // SLA timer (#14): time left to the first action (claim or resolve), or how late it is.
  function fmtSpan(s) {
    if (s < 60) return "<1 min";
    if (s < 3600) return Math.floor(s / 60) + " min";
    if (s < 86400) return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
    return Math.floor(s / 86400) + " d";
  }

  function tickSla(el) {
    const left = Math.round((Date.parse(el.dataset.due) - Date.now()) / 1000);
    const late = left < 0 || el.dataset.overdue === "1";
    el.classList.toggle("late", late);
    el.textContent = late ? fmtSpan(Math.max(0, -left)) + " late" : fmtSpan(left) + " left";
    el.title = (late ? "Late: first action was due " : "First action due ") + new Date(el.dataset.due).toLocaleString();
  }

  function slaTimer(item) {
    if (!item.due_at || item.first_action_at || item.status !== "open") return null;
    const el = h("span", { className: "sla", dataset: { due: item.due_at, overdue: item.overdue ? "1" : "0" } });
    tickSla(el);
    return el;
  }

  function fmtTime(iso) {
    return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function bulkActions() {
    return Object.prototype.hasOwnProperty.call(BULK, S.f.queue) ? BULK[S.f.queue] : null;
  }

  // --- abusive text: blurred (and hidden from screen readers) until the moderator asks --------

  function readBlurSetting() {
    try {
      return window.localStorage.getItem(BLUR_KEY) !== "off";
    } catch (_) {
      return true; // storage refused (a private window's policy): the safe default
    }
  }

  function setBlur(on) {
    S.blur = on;
    try {
      window.localStorage.setItem(BLUR_KEY, on ? "on" : "off");
    } catch (_) {
      /* kept for this page only */
    }
    renderList();
  }

  function shownTags(item) {
    const fix = S.corrections.get(item.id);
    return fix && fix.tags ? fix.tags : item.tags;
  }

  function masked(item) {
    return S.blur && !S.revealed.has(item.id) && shownTags(item).includes("abuse");
  }

  // The reasons of a comment whose text is hidden leave out the one that quotes its words
  // (`words: "idiot", ...`): the text is not shown, or read out, in pieces either.
  function whyLine(item, hide) {
    const shown = hide ? item.reasons.filter((r) => !r.startsWith("words:")) : item.reasons;
    const held = shown.length < item.reasons.length;
    const parts = shown.concat(held ? ["words of the text hidden"] : []);
    return h("p", { className: "why" }, [
      h("span", { className: "label", text: "Why " }),
      parts.length ? parts.join(", ") : "—",
    ]);
  }

  function reveal(id) {
    const item = findItem(id);
    const node = S.nodes.get(id);
    if (!item || !node || !masked(item)) return false;
    const before = sig(item);
    S.revealed.add(id);
    // in place (also while a form is open on the comment): the text loses its blur and
    // aria-hidden, and names the item again
    const box = node.el.querySelector(".textbox.masked");
    const text = node.el.querySelector(".text");
    if (box && text) {
      text.classList.remove("masked");
      text.removeAttribute("aria-hidden");
      box.replaceWith(text);
    }
    const why = node.el.querySelector(".why");
    if (why) why.replaceWith(whyLine(item, false));
    node.el.setAttribute("aria-labelledby", text ? text.id : "");
    if (node.sig === before) node.sig = sig(item); // else a pending rebuild still happens
    setCurrent(id, true); // the button that was clicked is gone: keep the focus on the comment
    return true;
  }

  function who(name) {
    return S.me && name === S.me.name ? "you" : name;
  }

  let toastTimer = null;
  function toast(text, opts) {
    const o = opts || {};
    $("toast-text").replaceChildren(bdi(text)); // may quote a name (an error's detail)
    $("toast").hidden = false;
    $("toast").classList.toggle("error", !!o.error);
    $("undo").hidden = !o.undo;
    clearTimeout(toastTimer);
    if (!o.undo) toastTimer = setTimeout(() => ($("toast").hidden = true), o.error ? 9000 : 5000);
  }

  // text: a string, or a list of strings and elements (names in <bdi>)
  function status(text, isError) {
    $("status").replaceChildren(...(Array.isArray(text) ? text : [text]));
    $("status").classList.toggle("error", !!isError);
  }

  // --- filters in the address (#queue=spam&channel=shop-a): never the key ------------------

  function readHash() {
    const p = new URLSearchParams(window.location.hash.slice(1));
    const q = p.get("queue");
    if (QUEUES.includes(q) || q === REVIEW) S.f.queue = q;
    for (const k of ["channel", "lang", "tag", "q"]) S.f[k] = p.get(k) || "";
    S.f.view = p.get("view") === "analytics" ? "analytics" : "";
  }

  function writeHash() {
    const p = new URLSearchParams();
    if (S.f.view) p.set("view", S.f.view);
    p.set("queue", S.f.queue);
    for (const k of ["channel", "lang", "tag", "q"]) if (S.f[k]) p.set(k, S.f[k]);
    history.replaceState(null, "", "#" + p.toString());
  }

  // The Analytics view (analytics.js) in place of the list; the channels stay on the left.
  function analyticsShown() {
    return S.f.view === "analytics";
  }

  function applyView() {
    const on = analyticsShown();
    $("main").hidden = on;
    $("analytics").hidden = !on;
    $("view-inbox").setAttribute("aria-pressed", String(!on));
    $("view-analytics").setAttribute("aria-pressed", String(on));
    if (on && window.TriageAnalytics) window.TriageAnalytics.show(S.f.channel, (c) => pick(c, null));
  }

  function setView(view) {
    if (S.f.view === view) return;
    S.f.view = view;
    filtersChanged();
  }

  function reviewing() {
    return S.f.queue === REVIEW;
  }

  function listUrl(limit, cursor) {
    const p = new URLSearchParams();
    const review = reviewing(); // the review list filters by channel and language only
    for (const k of review ? ["channel", "lang"] : ["channel", "lang", "tag"]) if (S.f[k]) p.set(k, S.f[k]);
    if (!review && S.f.q.trim()) p.set("q", S.f.q.trim());
    p.set("limit", String(limit));
    if (cursor) p.set("cursor", cursor);
    return "/v1/queues/" + S.f.queue + "?" + p.toString();
  }

  // --- counts: overview, channel select, queue buttons ---------------------------------------

  function countFor(channel, queue) {
    let open = 0;
    let claimed = 0;
    for (const c of (S.counts && S.counts.channels) || []) {
      if (channel && c.channel !== channel) continue;
      const q = c.queues[queue];
      if (q) {
        open += q.open;
        claimed += q.claimed;
      }
    }
    return [open, claimed];
  }

  async function loadCounts() {
    S.counts = await api("GET", "/v1/queues");
    renderOverview();
    renderChannelSelect();
    renderQueues();
  }

  function pick(channel, queue) {
    S.f.channel = channel;
    if (queue) S.f.queue = queue;
    $("f-channel").value = channel;
    filtersChanged();
  }

  function renderOverview() {
    const box = $("overview");
    const channels = S.counts.channels.map((c) => c.channel);
    const key = channels.join("\n");
    if (key !== S.overviewKey) {
      S.overviewKey = key;
      const rows = [["", "All channels"], ...channels.map((c) => [c, c])];
      box.replaceChildren(
        ...rows.map(([channel, label]) =>
          h("section", { className: "chan", "aria-label": label, dataset: { channel } }, [
            h("h3", {}, [
              h("button", {
                type: "button",
                className: "chan-name",
                text: label,
                dir: "auto",
                on: { click: () => pick(channel, null) },
              }),
              h("span", { className: "chan-total" }),
            ]),
            h(
              "ul",
              { className: "qcounts" },
              QUEUES.map((q) =>
                h("li", {}, [
                  h(
                    "button",
                    {
                      type: "button",
                      className: "qcount q-" + q,
                      dataset: { channel, queue: q },
                      on: { click: () => pick(channel, q) },
                    },
                    [h("span", { className: "qname", text: q }), h("b", { className: "n" })]
                  ),
                ])
              )
            ),
          ])
        )
      );
    }
    for (const sec of box.querySelectorAll("section.chan")) {
      const channel = sec.dataset.channel;
      let total = 0;
      for (const b of sec.querySelectorAll("button.qcount")) {
        const [open, claimed] = countFor(channel, b.dataset.queue);
        total += open;
        b.querySelector(".n").textContent = String(open);
        b.classList.toggle("zero", open === 0);
        const label = channel || "all channels";
        b.setAttribute(
          "aria-label",
          label + ", " + b.dataset.queue + ": " + open + " open, " + claimed + " claimed"
        );
        const on = channel === S.f.channel && b.dataset.queue === S.f.queue;
        b.setAttribute("aria-pressed", on ? "true" : "false");
      }
      sec.querySelector(".chan-total").textContent = total + " open";
      const active = channel === S.f.channel;
      if (active && !sec.classList.contains("active") && box.scrollWidth > box.clientWidth) {
        box.scrollLeft = sec.offsetLeft - box.offsetLeft; // phone: the strip shows the channel
      }
      sec.classList.toggle("active", active);
    }
  }

  function renderChannelSelect() {
    const sel = $("f-channel");
    const channels = S.counts.channels.map((c) => c.channel);
    const have = [...sel.options].slice(1).map((o) => o.value);
    if (have.join("\n") !== channels.join("\n")) {
      sel.replaceChildren(
        h("option", { value: "", text: "All channels" }),
        ...channels.map((c) => h("option", { value: c, text: iso(c) }))
      );
    }
    if (S.f.channel && !channels.includes(S.f.channel)) {
      sel.append(h("option", { value: S.f.channel, text: iso(S.f.channel) }));
    }
    sel.value = S.f.channel;
  }

  function renderQueues() {
    const box = $("queues");
    if (!box.children.length) {
      for (const q of QUEUES) {
        box.append(
          h(
            "button",
            {
              type: "button",
              className: "queue q-" + q,
              dataset: { queue: q },
              on: {
                click: () => {
                  S.f.queue = q;
                  filtersChanged();
                },
              },
            },
            [h("span", { text: q }), " ", h("b", { className: "n" })]
          )
        );
      }
      box.append(
        h(
          "button",
          {
            type: "button",
            className: "queue q-review",
            dataset: { queue: REVIEW },
            title: "Comments nobody has labelled yet, the ones the model is least sure about first",
            "aria-label": "Review: comments to label next, least certain first",
            on: {
              click: () => {
                S.f.queue = REVIEW;
                filtersChanged();
              },
            },
          },
          [h("span", { text: "review" })]
        )
      );
    }
    const review = reviewing();
    $("f-tag").disabled = review; // not filters of the review list
    $("f-q").disabled = review;
    $("items").setAttribute(
      "aria-label",
      review ? "Comments to label, least certain first" : "Comments, highest priority first"
    );
    for (const b of box.children) {
      if (b.dataset.queue === REVIEW) {
        b.setAttribute("aria-pressed", review ? "true" : "false");
        continue;
      }
      const [open, claimed] = countFor(S.f.channel, b.dataset.queue);
      b.querySelector(".n").textContent = String(open);
      b.setAttribute("aria-pressed", b.dataset.queue === S.f.queue ? "true" : "false");
      b.setAttribute(
        "aria-label",
        "Queue " + b.dataset.queue + ": " + open + " open, " + claimed + " claimed"
      );
    }
  }

  function renderLangSelect() {
    const sel = $("f-lang");
    if (S.f.lang) S.langs.add(S.f.lang);
    const langs = [...S.langs].sort();
    const have = [...sel.options].slice(1).map((o) => o.value);
    if (have.join(",") !== langs.join(",")) {
      sel.replaceChildren(
        h("option", { value: "", text: "Any language" }),
        ...langs.map((l) => h("option", { value: l, text: l }))
      );
    }
    sel.value = S.f.lang;
  }

  // --- the list --------------------------------------------------------------------------------

  function isPending(item) {
    const p = S.pending;
    return !!p && (p.ids.has(item.id) || (p.campaign && item.campaign_id === p.campaign));
  }

  async function loadList(opts) {
    const refresh = !!(opts && opts.refresh);
    const seq = ++S.seq;
    const limit = refresh ? Math.min(MAX_LIST, Math.max(PAGE, S.items.length)) : PAGE;
    let data;
    try {
      data = await api("GET", listUrl(limit));
    } catch (e) {
      if (seq !== S.seq) return;
      if (!refresh || e.status !== 0) {
        S.items = [];
        S.cursor = null;
        renderList();
      }
      status(e.message, true);
      return;
    }
    if (seq !== S.seq) return; // filters changed meanwhile
    for (const i of data.items) S.langs.add(i.lang);
    S.items = data.items.filter((i) => !isPending(i));
    S.cursor = data.next_cursor;
    renderLangSelect();
    renderList();
    if (!refresh) {
      const cur = S.items[0];
      S.current = cur ? cur.id : null;
      S.currentIndex = 0;
      markCurrent(false);
    }
  }

  async function loadMore() {
    if (!S.cursor) return;
    const seq = S.seq;
    let data;
    try {
      data = await api("GET", listUrl(PAGE, S.cursor));
    } catch (e) {
      toast(e.message, { error: true });
      return;
    }
    if (seq !== S.seq) return;
    for (const i of data.items) S.langs.add(i.lang);
    const known = new Set(S.items.map((i) => i.id));
    S.items = S.items.concat(data.items.filter((i) => !known.has(i.id) && !isPending(i)));
    S.cursor = data.next_cursor;
    renderLangSelect();
    renderList();
  }

  function sig(item) {
    return JSON.stringify([
      item,
      S.corrections.get(item.id) || null,
      S.selected.has(item.id),
      bulkActions() !== null,
      masked(item),
      reviewing(),
      S.me && S.me.name,
    ]);
  }

  function renderList() {
    const list = $("items");
    const focusInList = list.contains(document.activeElement);
    const keep = new Map();
    let prev = null;
    for (const item of S.items) {
      let node = S.nodes.get(item.id);
      const s = sig(item);
      const editing = S.panel && S.panel.id === item.id;
      if (!node || (node.sig !== s && !editing)) {
        const el = buildItem(item);
        if (node) node.el.replaceWith(el);
        node = { el, sig: s };
      }
      keep.set(item.id, node);
      const want = prev ? prev.nextSibling : list.firstChild;
      if (want !== node.el) list.insertBefore(node.el, want);
      prev = node.el;
      const age = node.el.querySelector("time.age");
      if (age) age.textContent = fmtAge(item.created_at);
    }
    for (const [id, node] of S.nodes) if (!keep.has(id)) node.el.remove();
    S.nodes = keep;
    if (S.panel && !keep.has(S.panel.id)) S.panel = null;
    if (!S.items.some((i) => i.id === S.current)) {
      const i = Math.min(S.currentIndex, S.items.length - 1);
      S.current = i >= 0 ? S.items[i].id : null;
    }
    const lostFocus = focusInList && !list.contains(document.activeElement);
    markCurrent(lostFocus);
    $("more").hidden = !S.cursor;
    const search = S.f.q.trim() && !reviewing() ? [', text "', bdi(S.f.q.trim()), '"'] : [];
    const where = [S.f.channel ? bdi(S.f.channel) : "all channels", ...search];
    const n = S.items.length + (S.cursor ? "+" : "");
    if (reviewing()) {
      status(
        S.items.length
          ? [n + " to label, least certain first · ", ...where]
          : ["Nothing left to label · ", ...where, "."],
        false
      );
    } else {
      status(
        S.items.length
          ? [n + " open in " + S.f.queue + " · ", ...where]
          : ["Nothing open in " + S.f.queue + " · ", ...where, "."],
        false
      );
    }
    updateBulk();
    S.renders += 1;
    document.body.dataset.renders = String(S.renders);
  }

  function markCurrent(focus) {
    for (const [id, node] of S.nodes) {
      const on = id === S.current;
      node.el.classList.toggle("current", on);
      if (on) node.el.setAttribute("aria-current", "true");
      else node.el.removeAttribute("aria-current");
    }
    const idx = S.items.findIndex((i) => i.id === S.current);
    if (idx >= 0) S.currentIndex = idx;
    if (focus && S.current !== null) {
      const node = S.nodes.get(S.current);
      if (node) {
        node.el.focus({ preventScroll: true });
        node.el.scrollIntoView({ block: "nearest" });
      }
    }
    showSuggestions(S.current);
  }

  function setCurrent(id, focus) {
    S.current = id;
    markCurrent(focus);
  }

  function move(delta) {
    if (!S.items.length) return;
    let idx = S.items.findIndex((i) => i.id === S.current);
    idx = Math.max(0, Math.min(S.items.length - 1, idx + delta));
    if (delta > 0 && idx === S.items.length - 1 && S.cursor) loadMore();
    setCurrent(S.items[idx].id, true);
  }

  function buildItem(item) {
    const selectable = bulkActions() !== null;
    const hide = masked(item);
    const fix = S.corrections.get(item.id);
    const sentiment = fix && fix.sentiment ? fix.sentiment : item.sentiment;
    const tags = fix && fix.tags ? fix.tags : item.tags;
    const lang = fix && fix.lang ? fix.lang : item.lang;
    const prio = item.priority >= 70 ? "high" : item.priority >= 40 ? "mid" : "low";
    const textId = "text-" + item.id;
    const maskId = "mask-" + item.id;
    const claimedByOther = item.claimed_by && S.me && item.claimed_by !== S.me.name;
    const li = h("li", {
      className: "item",
      tabindex: "-1",
      dataset: { id: String(item.id), channel: item.channel },
      // while the text is hidden, the item is named by the button that shows it, never the text
      "aria-labelledby": hide ? maskId : textId,
      on: {
        click: (e) => {
          const control = e.target.closest("button, input, label, select, a, form");
          if (S.current !== item.id || !control) setCurrent(item.id, !control);
        },
      },
    });
    const meta = h("div", { className: "meta" }, [
      selectable
        ? h("label", { className: "sel" }, [
            h("input", {
              type: "checkbox",
              className: "select",
              checked: S.selected.has(item.id),
              "aria-label": "Select comment " + item.id,
              on: { change: (e) => toggleSelect(item.id, e.target.checked) },
            }),
          ])
        : null,
      h("span", {
        className: "prio prio-" + prio,
        text: String(item.priority),
        title: "Priority " + item.priority + " of 100",
        "aria-label": "Priority " + item.priority,
      }),
      h("span", { className: "chan-tag", text: item.channel, dir: "auto" }),
      h("span", {
        className: "lang",
        text: lang,
        title: "Language" + (fix && fix.lang ? " (corrected)" : ", confidence " + item.lang_score.toFixed(2)),
      }),
      h("span", {
        className: "sent sent-" + sentiment,
        text: sentiment + (fix && fix.sentiment ? " ✓" : " " + item.sentiment_score.toFixed(2)),
        title: fix && fix.sentiment ? "Sentiment (corrected)" : "Sentiment and its score (−1..1)",
      }),
      h("time", {
        className: "age",
        datetime: item.created_at,
        title: new Date(item.created_at).toLocaleString(),
        text: fmtAge(item.created_at),
      }),
      slaTimer(item),
      item.author ? h("span", { className: "author", text: "@" + item.author, dir: "auto" }) : null,
      item.campaign_id ? h("span", { className: "campaign", text: "campaign " + item.campaign_id }) : null,
    ]);
    const claimLine = h(
      "p",
      { className: "claim" + (item.claimed_by ? "" : " free") },
      item.claimed_by
        ? ["Claimed by ", bdi(who(item.claimed_by)), " until " + fmtTime(item.claim_expires_at)]
        : ["Not claimed"]
    );
    const text = h("p", {
      className: "text" + (hide ? " masked" : ""),
      id: textId,
      dir: "auto",
      lang: lang && lang !== "und" ? lang : undefined,
      text: item.text,
      "aria-hidden": hide ? "true" : undefined, // not read out before it is shown
      on: hide ? { click: () => reveal(item.id) } : undefined,
    });
    const textBox = hide
      ? h("div", { className: "textbox masked" }, [
          text,
          h("button", {
            type: "button",
            className: "reveal",
            id: maskId,
            text: "abusive - click to show",
            title: "Tagged abuse: the text is blurred (Enter or Space shows it)",
            on: { click: () => reveal(item.id) },
          }),
        ])
      : text;
    const tagList = h(
      "ul",
      { className: "tags", "aria-label": fix && fix.tags ? "Tags (corrected)" : "Tags" },
      tags.length
        ? tags.map((t) =>
            h("li", { className: "tag tag-" + t }, [
              t,
              fix && fix.tags ? " ✓" : h("span", { className: "p", text: " " + item["p_" + t].toFixed(2) }),
            ])
          )
        : [h("li", { className: "tag none", text: "no tag" })]
    );
    const why = whyLine(item, hide);
    const review = reviewing();
    const unsure =
      review && item.uncertainty !== null
        ? h("p", { className: "unsure" }, [
            h("span", { className: "label", text: "Unsure " + item.uncertainty.toFixed(2) + " " }),
            item.uncertainty_reason || "",
            item.status !== "open" ? " · " + item.status : "",
          ])
        : null;
    const corrected = fix
      ? h("p", { className: "corrected" }, [
          "Corrected by ",
          bdi(who(fix.labelled_by)),
          fix.priority
            ? h("span", { className: "fix-priority", text: " · priority " + fix.priority })
            : "",
          " (stored for retraining)",
        ])
      : null;
    // The review list is for labelling: no claim or resolve there (a resolved comment stays on
    // it until someone labels it).
    const claimButton = review
      ? null
      : h("button", {
          type: "button",
          className: "act-claim",
          text: item.claimed_by && !claimedByOther ? "Renew claim" : "Claim",
          disabled: !!claimedByOther,
          title: claimedByOther ? "Claimed by " + iso(item.claimed_by) : "Key c",
          "aria-label": (item.claimed_by && !claimedByOther ? "Renew claim on" : "Claim") + " comment " + item.id,
          on: { click: () => claim(item.id) },
        });
    const resolveButton = review
      ? null
      : h("button", {
          type: "button",
          className: "act-resolve",
          text: "Resolve…",
          title: "Key r",
          "aria-label": "Resolve comment " + item.id,
          "aria-expanded": "false",
          on: { click: () => openResolve(item.id) },
        });
    const actions = h("div", { className: "actions" }, [
      claimButton,
      resolveButton,
      h("button", {
        type: "button",
        className: "act-relabel",
        text: "Relabel…",
        title: "Key l",
        "aria-label": "Relabel comment " + item.id,
        "aria-expanded": "false",
        on: { click: () => openRelabel(item.id) },
      }),
    ]);
    li.append(
      meta,
      textBox,
      tagList,
      unsure || "",
      why,
      review ? "" : claimLine,
      corrected || "",
      h("div", { className: "suggest" }), // suggested replies of the current comment
      actions,
      h("div", { className: "panel" })
    );
    return li;
  }

  function findItem(id) {
    return S.items.find((i) => i.id === id);
  }

  function replaceItem(updated) {
    S.items = S.items.map((i) => (i.id === updated.id ? updated : i));
    renderList();
  }

  function removeItems(ids) {
    const gone = new Set(ids);
    S.items = S.items.filter((i) => !gone.has(i.id));
    for (const id of ids) S.selected.delete(id);
    renderList();
  }

  // --- actions on one comment -------------------------------------------------------------------

  async function claim(id) {
    if (id === null || reviewing() || !findItem(id)) return;
    setCurrent(id, false);
    try {
      const item = await api("POST", "/v1/comments/" + id + "/claim");
      replaceItem(item);
      toast("Claimed comment " + id + " until " + fmtTime(item.claim_expires_at) + ".");
      markCurrent(true);
    } catch (e) {
      toast(e.message, { error: true });
      loadList({ refresh: true });
    }
    refreshCounts();
  }

  function closePanel(refocus) {
    if (!S.panel) return;
    const node = S.nodes.get(S.panel.id);
    const id = S.panel.id;
    S.panel = null;
    if (node) {
      node.el.querySelector(".panel").replaceChildren();
      for (const b of node.el.querySelectorAll("[aria-expanded]")) b.setAttribute("aria-expanded", "false");
    }
    renderList();
    if (refocus) setCurrent(id, true);
  }

  function openPanel(id, kind, content, opener) {
    closePanel(false);
    const node = S.nodes.get(id);
    if (!node) return null;
    setCurrent(id, false);
    S.panel = { id, kind };
    node.el.querySelector(".panel").replaceChildren(content);
    const b = node.el.querySelector(opener);
    if (b) b.setAttribute("aria-expanded", "true");
    return node.el;
  }

  function openResolve(id) {
    if (id === null || reviewing() || !findItem(id)) return;
    const box = h("fieldset", { className: "resolve" }, [
      h("legend", { text: "Resolve comment " + id + " as" }),
      ...ACTIONS.map(([action, label], i) =>
        h("button", {
          type: "button",
          className: "do-" + action,
          dataset: { action },
          text: label,
          title: "Key " + (i + 1),
          on: { click: () => resolve(id, action) },
        })
      ),
      h("button", { type: "button", className: "cancel", text: "Cancel", on: { click: () => closePanel(true) } }),
    ]);
    if (openPanel(id, "resolve", box, ".act-resolve")) box.querySelector("button").focus();
  }

  async function resolve(id, action) {
    try {
      const body = { action };
      if (action === "replied" && USED_REPLY.has(id)) body.reply_id = USED_REPLY.get(id);
      await api("POST", "/v1/comments/" + id + "/resolve", body);
      if (S.panel && S.panel.id === id) S.panel = null;
      removeItems([id]);
      markCurrent(true);
      toast("Comment " + id + " resolved: " + action + ".");
    } catch (e) {
      toast(e.message, { error: true });
    }
    refreshCounts();
  }

  // --- suggested replies ------------------------------------------------------------------------
  // The current comment shows the channel's saved replies closest to it
  // (GET /v1/comments/{id}/suggestions, fetched once per comment), their placeholders filled in.
  // Copy puts a reply's text on the clipboard and remembers it: resolving the comment as
  // Replied then records which reply was used (reply_id).

  const SUGGESTIONS = new Map(); // comment id -> items (null while loading)
  const USED_REPLY = new Map(); // comment id -> id of the reply copied for it
  let suggestShown = null;

  function showSuggestions(id) {
    const prev = suggestShown !== id && S.nodes.get(suggestShown);
    if (prev) prev.el.querySelector(".suggest").replaceChildren();
    suggestShown = id;
    if (id === null || reviewing() || S.f.queue === "spam") return;
    if (!SUGGESTIONS.has(id)) {
      SUGGESTIONS.set(id, null);
      api("GET", "/v1/comments/" + id + "/suggestions")
        .then((r) => SUGGESTIONS.set(id, r.items))
        .catch(() => SUGGESTIONS.set(id, []))
        .finally(() => renderSuggestions(id));
    }
    renderSuggestions(id);
  }

  function renderSuggestions(id) {
    const node = S.nodes.get(id);
    const box = node && id === suggestShown && node.el.querySelector(".suggest");
    if (!box) return;
    const items = SUGGESTIONS.get(id);
    if (items === null) {
      box.replaceChildren(h("p", { className: "wait", text: "Looking for saved replies…" }));
      return;
    }
    if (!items || !items.length) {
      box.replaceChildren();
      return;
    }
    const used = USED_REPLY.get(id);
    box.replaceChildren(
      h("p", { className: "label", text: "Suggested replies" }),
      h(
        "ul",
        { "aria-label": "Suggested replies for comment " + id },
        items.map((s) =>
          h("li", { className: "reply" + (used === s.reply_id ? " used" : ""), dataset: { replyId: String(s.reply_id) } }, [
            h("button", {
              type: "button",
              className: "copy-reply",
              text: used === s.reply_id ? "Copied ✓" : "Copy",
              "aria-label": "Copy the reply " + iso(s.title),
              on: { click: () => copyReply(id, s) },
            }),
            h("span", { className: "reply-title", dir: "auto", text: s.title }),
            h("span", { className: "score", text: s.score.toFixed(2), title: "Similarity to the comment" }),
            h("p", { className: "reply-text", dir: "auto", text: s.text }),
          ])
        )
      )
    );
  }

  async function copyReply(id, s) {
    try {
      await navigator.clipboard.writeText(s.text);
    } catch (_) {
      const area = h("textarea", { className: "copy-buffer", "aria-hidden": "true" });
      area.value = s.text;
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    USED_REPLY.set(id, s.reply_id);
    renderSuggestions(id);
    toast("Copied the reply " + iso(s.title) + ". Resolve as Replied to record it.");
  }

  function openRelabel(id) {
    const item = findItem(id);
    if (!item) return;
    const fix = S.corrections.get(id);
    const sentiment = fix && fix.sentiment ? fix.sentiment : item.sentiment;
    const tags = new Set(fix && fix.tags ? fix.tags : item.tags);
    const lang = fix && fix.lang ? fix.lang : item.lang;
    const priority = fix && fix.priority ? fix.priority : null; // none until a moderator sets one
    const form = h("form", { className: "relabel", "aria-label": "Correct the labels of comment " + id }, [
      h(
        "fieldset",
        { className: "sentiment" },
        [h("legend", { text: "Sentiment" })].concat(
          SENTIMENTS.map((s) =>
            h("label", {}, [
              h("input", { type: "radio", name: "sentiment", value: s, checked: s === sentiment }),
              " " + s,
            ])
          )
        )
      ),
      h(
        "fieldset",
        { className: "tagset" },
        [h("legend", { text: "Tags" })].concat(
          TAGS.map((t) =>
            h("label", {}, [
              h("input", { type: "checkbox", name: "tag", value: t, checked: tags.has(t) }),
              " " + t,
            ])
          )
        )
      ),
      h(
        "fieldset",
        { className: "priority" },
        [h("legend", { text: "Priority" })].concat(
          PRIORITIES.map((p) =>
            h("label", {}, [
              h("input", { type: "radio", name: "priority", value: p, checked: p === priority }),
              " " + p,
            ])
          )
        )
      ),
      h("label", { className: "langfix" }, [
        "Language ",
        h("input", {
          type: "text",
          name: "lang",
          value: lang,
          size: "4",
          maxlength: "3",
          pattern: "[a-z]{2,3}",
          autocomplete: "off",
          spellcheck: "false",
        }),
      ]),
      h("div", { className: "form-actions" }, [
        h("button", { type: "submit", className: "save", text: "Save correction" }),
        h("button", { type: "button", className: "cancel", text: "Cancel", on: { click: () => closePanel(true) } }),
      ]),
    ]);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      saveLabels(id, form, item, lang);
    });
    form.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        closePanel(true);
      }
    });
    if (openPanel(id, "relabel", form, ".act-relabel")) {
      const checked = form.querySelector("input[name=sentiment]:checked") || form.querySelector("input");
      checked.focus();
    }
  }

  async function saveLabels(id, form, item, shownLang) {
    const sentiment = (form.querySelector("input[name=sentiment]:checked") || {}).value;
    const tags = [...form.querySelectorAll("input[name=tag]:checked")].map((i) => i.value);
    const priority = (form.querySelector("input[name=priority]:checked") || {}).value;
    const lang = form.querySelector("input[name=lang]").value.trim().toLowerCase();
    const body = { tags };
    if (sentiment) body.sentiment = sentiment;
    if (priority) body.priority = priority;
    if (lang && lang !== shownLang) body.lang = lang;
    try {
      const label = await api("POST", "/v1/comments/" + id + "/labels", body);
      // text the moderator was reading stays shown when they tag it abuse
      if (!masked(item)) S.revealed.add(id);
      S.corrections.set(id, label);
      S.panel = null;
      if (reviewing()) {
        removeItems([id]); // labelled: off the review list; the next one becomes current
        markCurrent(true);
        toast("Correction saved for retraining. Next: the least certain of the rest.");
        return;
      }
      renderList();
      setCurrent(id, true);
      toast("Correction saved for retraining.");
    } catch (e) {
      toast(e.message, { error: true });
    }
  }

  // --- bulk actions (spam: hide or delete; abuse: hide), with undo: nothing is sent until the
  // undo window has passed -----------------------------------------------------------------------

  function toggleSelect(id, on) {
    if (id === null || !bulkActions() || !findItem(id)) return;
    const want = on === undefined ? !S.selected.has(id) : on;
    if (want) S.selected.add(id);
    else S.selected.delete(id);
    renderList();
  }

  function updateBulk() {
    const actions = bulkActions();
    $("bulk").hidden = !actions;
    $("bulk").setAttribute("aria-label", "Bulk actions on " + S.f.queue);
    $("bulk-delete").hidden = !(actions && actions.includes("deleted"));
    const visible = new Set(S.items.map((i) => i.id));
    for (const id of [...S.selected]) if (!visible.has(id)) S.selected.delete(id);
    const n = S.selected.size;
    $("selected-count").textContent = n + " selected";
    $("bulk-hide").disabled = n === 0;
    $("bulk-delete").disabled = n === 0;
  }

  async function selectAll() {
    while (S.cursor && S.items.length < MAX_LIST) {
      const before = S.items.length;
      await loadMore();
      if (S.items.length === before) break;
    }
    for (const i of S.items) S.selected.add(i.id);
    renderList();
  }

  function schedule(p) {
    if (S.pending) commit(S.pending, false);
    p.deadline = Date.now() + UNDO_MS;
    const members = new Map(); // campaign id -> [shown, in this action]
    for (const i of S.items) {
      if (!i.campaign_id) continue;
      const m = members.get(i.campaign_id) || [0, 0];
      m[0] += 1;
      if (p.ids.has(i.id)) m[1] += 1;
      members.set(i.campaign_id, m);
    }
    p.campaigns = new Set([...members].filter(([, m]) => m[0] === m[1]).map(([id]) => id));
    if (p.campaign) p.campaigns.add(p.campaign);
    S.pending = p;
    S.items = S.items.filter((i) => !isPending(i));
    for (const id of p.ids) S.selected.delete(id);
    renderList();
    renderCampaigns();
    p.timer = setTimeout(() => commit(p, false), UNDO_MS);
    p.tick = setInterval(() => pendingToast(p), 250);
    pendingToast(p);
    $("undo").focus();
  }

  function pendingToast(p) {
    if (S.pending !== p) return;
    const secs = Math.max(0, Math.ceil((p.deadline - Date.now()) / 1000));
    toast(p.what + " in " + secs + " s.", { undo: true });
  }

  function stop(p) {
    clearTimeout(p.timer);
    clearInterval(p.tick);
    if (S.pending === p) S.pending = null;
  }

  async function commit(p, keepalive) {
    if (S.pending !== p) return;
    stop(p);
    $("undo").hidden = true;
    try {
      toast(await p.send(keepalive));
    } catch (e) {
      toast(e.message, { error: true });
    }
    refresh();
  }

  function undo() {
    const p = S.pending;
    if (!p) return;
    stop(p);
    toast("Undone: nothing was " + p.done + ".");
    refresh();
  }

  function bulk(action) {
    const ids = [...S.selected];
    const actions = bulkActions();
    if (!ids.length || !actions || !actions.includes(action)) return;
    const n = ids.length;
    const verb = action === "hidden" ? "Hiding" : "Deleting";
    schedule({
      ids: new Set(ids),
      campaign: null,
      what: verb + " " + n + " comment" + (n === 1 ? "" : "s"),
      done: action,
      send: async (keepalive) => {
        const r = await api("POST", "/v1/comments/resolve", { ids, action }, { keepalive });
        let msg = (action === "hidden" ? "Hid " : "Deleted ") + r.items.length + " comments.";
        if (r.skipped.length) msg += " Skipped " + r.skipped.length + ": " + r.skipped[0].detail;
        return msg;
      },
    });
  }

  function bulkCampaign(c, action) {
    const ids = S.items.filter((i) => i.campaign_id === c.id).map((i) => i.id);
    const verb = action === "hidden" ? "Hiding" : "Deleting";
    schedule({
      ids: new Set(ids),
      campaign: c.id,
      what: verb + " campaign " + c.id + " (" + c.size + " comments)",
      done: action,
      send: async (keepalive) => {
        const r = await api("POST", "/v1/campaigns/" + c.id + "/resolve", { action }, { keepalive });
        let msg = "Campaign " + c.id + ": " + r.resolved + " comments " + action + ".";
        // comments another moderator holds stay with them (the server leaves them open)
        if (r.skipped && r.skipped.length) msg += " Left " + r.skipped.length + " claimed by others.";
        return msg;
      },
    });
  }

  async function loadCampaigns() {
    if (S.f.queue !== "spam") return;
    const p = new URLSearchParams({ status: "open" });
    if (S.f.channel) p.set("channel", S.f.channel);
    let data;
    try {
      data = await api("GET", "/v1/campaigns?" + p.toString());
    } catch (_) {
      return;
    }
    S.campaigns = data.items;
    renderCampaigns();
  }

  function renderCampaigns() {
    const p = S.pending;
    // a campaign waiting in an undo window (all of its shown comments) is not offered again
    const shown = S.campaigns.filter((c) => S.f.queue === "spam" && !(p && p.campaigns.has(c.id)));
    $("campaigns").replaceChildren(
      ...shown.map((c) =>
        h("li", { className: "camp", dataset: { campaign: String(c.id) } }, [
          h("span", { className: "camp-title" }, [
            "Campaign " + c.id + " · ",
            bdi(c.channel),
            " · " + c.size + " comments from " + c.authors + " authors",
          ]),
          h("span", { className: "camp-sample", dir: "auto", text: c.sample_text }),
          h("span", { className: "camp-actions" }, [
            h("button", {
              type: "button",
              className: "camp-select",
              text: "Select",
              "aria-label": "Select campaign " + c.id,
              on: {
                click: () => {
                  for (const i of S.items) if (i.campaign_id === c.id) S.selected.add(i.id);
                  renderList();
                },
              },
            }),
            h("button", {
              type: "button",
              className: "camp-hide danger",
              text: "Hide campaign",
              "aria-label": "Hide campaign " + c.id + " (all its comments)",
              on: { click: () => bulkCampaign(c, "hidden") },
            }),
            h("button", {
              type: "button",
              className: "camp-delete danger",
              text: "Delete campaign",
              "aria-label": "Delete campaign " + c.id + " (all its comments)",
              on: { click: () => bulkCampaign(c, "deleted") },
            }),
          ]),
        ])
      )
    );
  }

  // --- refreshing --------------------------------------------------------------------------------

  async function refreshCounts() {
    try {
      await loadCounts();
    } catch (_) {
      /* shown on the next list load */
    }
  }

  async function refresh() {
    await refreshCounts();
    if (analyticsShown()) return; // the analytics view loads when it is shown or changed
    if (!S.panel) await loadList({ refresh: true });
    await loadCampaigns();
  }

  function filtersChanged() {
    writeHash();
    applyView();
    S.selected.clear();
    closePanel(false);
    renderQueues();
    if (S.counts) renderOverview();
    $("campaigns").replaceChildren();
    loadList().then(loadCampaigns);
  }

  // --- keyboard --------------------------------------------------------------------------------

  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    const typing =
      (t instanceof HTMLInputElement && !["checkbox", "radio", "button", "submit"].includes(t.type)) ||
      t instanceof HTMLTextAreaElement ||
      t instanceof HTMLSelectElement;
    if (e.key === "Escape") {
      if (S.panel) {
        e.preventDefault();
        closePanel(true);
      } else if (typing) t.blur();
      return;
    }
    if (typing || (t.closest && t.closest("form.relabel"))) return;
    if (analyticsShown()) return; // the list's keys do nothing while it is not shown
    if (S.panel && S.panel.kind === "resolve" && /^[1-4]$/.test(e.key)) {
      e.preventDefault();
      resolve(S.panel.id, ACTIONS[Number(e.key) - 1][0]);
      return;
    }
    switch (e.key) {
      case "j":
        move(1);
        break;
      case "k":
        move(-1);
        break;
      case "c":
        claim(S.current);
        break;
      case "r":
        openResolve(S.current);
        break;
      case "l":
        openRelabel(S.current);
        break;
      case "x":
        toggleSelect(S.current);
        break;
      case "Enter":
      case " ":
        if (!revealByKey(t)) return; // elsewhere Enter and Space keep their usual meaning
        break;
      case "/":
        $("f-q").focus();
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  // Enter or Space on the focused comment (or with nothing focused, on the current one) shows
  // its text when it is blurred.
  function revealByKey(target) {
    let id = S.current;
    if (target instanceof HTMLElement && target.matches("li.item")) id = Number(target.dataset.id);
    else if (target !== document.body && target !== document.documentElement) return false;
    return id !== null && reveal(id);
  }

  // --- start -----------------------------------------------------------------------------------

  async function init() {
    readHash();
    try {
      S.me = await api("GET", "/session");
    } catch (e) {
      status(e.message, true);
      return;
    }
    const scope = S.me.channels.length
      ? S.me.channels.flatMap((c, i) => (i ? [", ", bdi(c)] : [bdi(c)]))
      : ["all channels"];
    $("whoami").replaceChildren("Signed in as ", bdi(S.me.name), " (" + S.me.role + "; ", ...scope, ")");
    $("f-tag").value = S.f.tag;
    $("f-q").value = S.f.q;
    S.blur = readBlurSetting();
    $("blur-abusive").checked = S.blur;
    $("blur-abusive").addEventListener("change", (e) => setBlur(e.target.checked));
    window.addEventListener("storage", (e) => {
      if (e.key !== BLUR_KEY) return;
      S.blur = readBlurSetting(); // changed in another tab of this browser
      $("blur-abusive").checked = S.blur;
      renderList();
    });
    for (const id of ["f-channel", "f-lang", "f-tag"]) {
      $(id).addEventListener("change", (e) => {
        S.f[id.slice(2)] = e.target.value;
        filtersChanged();
      });
    }
    let typingTimer = null;
    $("f-q").addEventListener("input", (e) => {
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => {
        S.f.q = e.target.value;
        filtersChanged();
      }, 300);
    });
    $("filters").addEventListener("submit", (e) => {
      e.preventDefault();
      clearTimeout(typingTimer);
      S.f.q = $("f-q").value;
      filtersChanged();
    });
    $("more").addEventListener("click", loadMore);
    $("select-all").addEventListener("click", selectAll);
    $("select-none").addEventListener("click", () => {
      S.selected.clear();
      renderList();
    });
    $("bulk-hide").addEventListener("click", () => bulk("hidden"));
    $("bulk-delete").addEventListener("click", () => bulk("deleted"));
    $("undo").addEventListener("click", undo);
    $("view-inbox").addEventListener("click", () => setView(""));
    $("view-analytics").addEventListener("click", () => setView("analytics"));
    window.addEventListener("hashchange", () => {
      readHash(); // a link or bookmark to other filters
      $("f-tag").value = S.f.tag;
      $("f-q").value = S.f.q;
      if (S.counts) renderChannelSelect();
      renderLangSelect();
      filtersChanged();
    });
    document.addEventListener("keydown", onKey);
    window.addEventListener("pagehide", () => {
      if (S.pending) commit(S.pending, true); // leaving the page does not cancel the action
    });
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) refresh();
    });
    setInterval(() => {
      if (!document.hidden) refresh();
    }, POLL_MS);
    setInterval(() => document.querySelectorAll(".sla[data-due]").forEach(tickSla), 15000);
    renderLangSelect();
    try {
      await loadCounts();
    } catch (e) {
      status(e.message, true);
    }
    writeHash();
    applyView();
    await loadList();
    await loadCampaigns();
    document.body.dataset.ready = "1";
  }

  init();
})();
