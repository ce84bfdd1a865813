// The inbox's Analytics view (#view=analytics): volume and sentiment over time, queue mix,
// time to first action against the SLA, complaint themes, and the CSV export of the series.
// Plots are inline SVG built here (no library, nothing from another site). Text from the API
// is only ever set with textContent. app.js shows and hides the view and calls show().
"use strict";
(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const QUEUES = ["urgent", "questions", "spam", "praise", "abuse", "other"];
  const SENTIMENTS = ["negative", "neutral", "positive"];
  const RANGE = { hour: "last 48 hours", day: "last 30 days", week: "last 12 weeks" };
  const W = 720; // viewBox width of the time plots; they scale to their box
  const H = 180;
  const PAD = { left: 40, right: 8, top: 10, bottom: 22 };

  const A = { channel: "", bucket: "day", seq: 0, themesSeq: 0, series: null };
  const $ = (id) => document.getElementById(id);

  function h(tag, props, children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "text") el.textContent = v;
      else if (k === "className") el.className = v;
      else if (k === "on") for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
      else el.setAttribute(k, String(v));
    }
    for (const c of children || []) if (c !== null && c !== undefined && c !== false) el.append(c);
    return el;
  }

  function s(tag, attrs, children) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") el.textContent = v;
      else el.setAttribute(k, String(v));
    }
    for (const c of children || []) el.append(c);
    return el;
  }

  async function get(path) {
    const r = await fetch(path, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (r.status === 401) {
      window.location.replace("/login");
      throw new Error("Signed out.");
    }
    let data = null;
    try {
      data = await r.json();
    } catch (_) {
      /* no body */
    }
    if (!r.ok) {
      const d = data && data.detail;
      throw new Error(Array.isArray(d) ? d.map((e) => e.msg).join("; ") : d || "Request failed (" + r.status + ").");
    }
    return data;
  }

  function query(extra) {
    const p = new URLSearchParams();
    if (A.channel) p.set("channel", A.channel);
    for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
    return p.toString();
  }

  // "2026-11-02T00:00:00Z" as the bucket shows it.
  function label(start, bucket) {
    const d = new Date(start);
    const day = d.toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
    if (bucket === "hour") return day + " " + String(d.getUTCHours()).padStart(2, "0") + ":00";
    return bucket === "week" ? "week of " + day : day;
  }

  function fmtS(s) {
    if (s === null || s === undefined) return "–";
    if (s < 60) return s + " s";
    if (s < 3600) return Math.round(s / 60) + " min";
    if (s < 86400) return (s / 3600).toFixed(s < 36000 ? 1 : 0) + " h";
    return (s / 86400).toFixed(1) + " d";
  }

  // --- plots -------------------------------------------------------------------------------

  // The top of the y axis: an even whole number, so the middle grid line is whole too.
  function top(n) {
    return Math.max(2, Math.ceil(n / 2) * 2);
  }

  function frame(max, items, bucket) {
    const iw = W - PAD.left - PAD.right;
    const ih = H - PAD.top - PAD.bottom;
    const g = [];
    for (const f of [0, 0.5, 1]) {
      const y = PAD.top + ih - f * ih;
      g.push(s("line", { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y, class: "grid" }));
      g.push(s("text", { x: PAD.left - 4, y: y + 4, class: "axis", "text-anchor": "end", text: String(Math.round(f * max)) }));
    }
    const n = items.length;
    const every = Math.max(1, Math.ceil(n / 6));
    items.forEach((it, i) => {
      if (i % every) return;
      const x = PAD.left + (i + 0.5) * (iw / n);
      g.push(s("text", { x, y: H - 6, class: "axis", "text-anchor": "middle", text: label(it.start, bucket) }));
    });
    return { g, iw, ih };
  }

  function volumePlot(items, bucket) {
    const max = top(Math.max(0, ...items.map((i) => i.comments)));
    const { g, iw, ih } = frame(max, items, bucket);
    const bw = iw / items.length;
    const bars = items.map((it, i) => {
      const hgt = (it.comments / max) * ih;
      return s(
        "rect",
        {
          class: "bar",
          x: PAD.left + i * bw + bw * 0.1,
          y: PAD.top + ih - hgt,
          width: Math.max(1, bw * 0.8),
          height: hgt,
          "data-count": it.comments,
          "data-start": it.start,
        },
        [s("title", { text: label(it.start, bucket) + ": " + it.comments + " comments" })]
      );
    });
    const total = items.reduce((a, i) => a + i.comments, 0);
    return s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `Comments per ${bucket}: ${total} in ${items.length} ${bucket}s` }, [...g, ...bars]);
  }

  function sentimentPlot(items, bucket) {
    const max = top(Math.max(0, ...items.flatMap((i) => SENTIMENTS.map((v) => i.by_sentiment[v] || 0))));
    const { g, iw, ih } = frame(max, items, bucket);
    const step = iw / items.length;
    const lines = SENTIMENTS.map((v) => {
      const pts = items.map((it, i) => [PAD.left + (i + 0.5) * step, PAD.top + ih - ((it.by_sentiment[v] || 0) / max) * ih]);
      return s("g", { class: "series " + v, "data-sentiment": v }, [
        s("polyline", { points: pts.map((p) => p.join(",")).join(" "), fill: "none" }),
        ...pts.map((p, i) =>
          s("circle", { cx: p[0], cy: p[1], r: 2.5, "data-count": items[i].by_sentiment[v] || 0 }, [
            s("title", { text: `${label(items[i].start, bucket)}: ${items[i].by_sentiment[v] || 0} ${v}` }),
          ])
        ),
      ]);
    });
    return s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `Comments per ${bucket} by sentiment` }, [...g, ...lines]);
  }

  function legend() {
    return h("ul", { className: "legend", "aria-hidden": "true" }, SENTIMENTS.map((v) => h("li", { className: v, text: v })));
  }

  function numbersTable(items, bucket) {
    const head = ["When", "Comments", ...SENTIMENTS, "Median first action"];
    return h("details", { className: "numbers" }, [
      h("summary", { text: "Show the numbers" }),
      h("table", {}, [
        h("thead", {}, [h("tr", {}, head.map((t) => h("th", { scope: "col", text: t })))]),
        h(
          "tbody",
          {},
          items.map((it) =>
            h("tr", {}, [
              h("th", { scope: "row", text: label(it.start, bucket) }),
              h("td", { text: String(it.comments) }),
              ...SENTIMENTS.map((v) => h("td", { text: String(it.by_sentiment[v] || 0) })),
              h("td", { text: fmtS(it.median_first_action_s) }),
            ])
          )
        ),
      ]),
    ]);
  }

  function queueMix(items) {
    const totals = QUEUES.map((q) => [q, items.reduce((a, i) => a + (i.by_queue[q] || 0), 0)]);
    const all = Math.max(1, totals.reduce((a, [, n]) => a + n, 0));
    return h(
      "ul",
      { className: "mix", "aria-label": "Comments per queue" },
      totals.map(([q, n]) => {
        const meter = h("span", { className: "meter q-" + q });
        meter.style.width = ((n / all) * 100).toFixed(1) + "%";
        return h("li", { "data-queue": q }, [
          h("span", { className: "mix-name", text: q }),
          h("span", { className: "mix-track" }, [meter]),
          h("span", { className: "mix-n", text: `${n} (${Math.round((n / all) * 100)}%)` }),
        ]);
      })
    );
  }

  function responseTable(rows) {
    const head = ["Queue", "Target", "Median", "90th percentile", "Acted on", "Within target", "Missed"];
    return h("table", { className: "response" }, [
      h("thead", {}, [h("tr", {}, head.map((t) => h("th", { scope: "col", text: t })))]),
      h(
        "tbody",
        {},
        rows
          .filter((r) => r.comments || r.target_s)
          .map((r) => {
            const late = r.target_s !== null && r.p90_first_action_s !== null && r.p90_first_action_s > r.target_s;
            return h("tr", { "data-queue": r.queue, className: late ? "late" : "" }, [
              h("th", { scope: "row", text: r.queue }),
              h("td", { text: r.target_s === null ? "none" : fmtS(r.target_s) }),
              h("td", { text: fmtS(r.median_first_action_s) }),
              h("td", { text: fmtS(r.p90_first_action_s) + (late ? " (over target)" : "") }),
              h("td", { text: `${r.first_actions} of ${r.comments}` }),
              h("td", { text: r.target_s === null ? "–" : String(r.met) }),
              h("td", { text: r.target_s === null ? "–" : String(r.missed) }),
            ]);
          })
      ),
    ]);
  }

  function renderThemes(out) {
    const box = $("themes");
    const head = [];
    if (out.note) head.push(h("p", { className: "note", text: out.note }));
    head.push(
      h("p", {
        className: "muted",
        text: `${out.complaints} complaints in the last 7 days` + (out.clustered < out.complaints ? ` (the latest ${out.clustered} grouped)` : ""),
      })
    );
    if (!out.themes.length) {
      box.replaceChildren(...head, h("p", { text: "No complaint themes this week." }));
      return;
    }
    const list = h(
      "ol",
      { className: "theme-list" },
      out.themes.map((t) => {
        const sign = t.change > 0 ? "+" + t.change : String(t.change);
        return h("li", { className: "theme" }, [
          h("p", { className: "theme-head" }, [
            h("strong", { text: `${t.count} complaints` }),
            h("span", { className: "change " + (t.change > 0 ? "up" : t.change < 0 ? "down" : ""), text: ` ${sign} vs the week before (${t.previous})` }),
          ]),
          h("p", { className: "words", text: t.words.join(" · ") }),
          h("ul", { className: "examples" }, t.examples.map((e) => h("li", { dir: "auto", lang: e.lang, text: e.text }))),
        ]);
      })
    );
    box.replaceChildren(...head, list);
  }

  // --- loading ---------------------------------------------------------------------------------

  function setStatus(text, isError) {
    $("stats-status").textContent = text;
    $("stats-status").classList.toggle("error", !!isError);
  }

  async function load() {
    const seq = ++A.seq;
    const q = query({ bucket: A.bucket });
    $("stats-csv").href = "/v1/stats?" + query({ bucket: A.bucket, format: "csv" });
    setStatus("Loading…");
    try {
      const out = await get("/v1/stats?" + q);
      if (seq !== A.seq) return;
      A.series = out;
      const items = out.items;
      const total = items.reduce((a, i) => a + i.comments, 0);
      $("volume").replaceChildren(volumePlot(items, out.bucket));
      $("sentiment").replaceChildren(sentimentPlot(items, out.bucket), legend());
      $("numbers").replaceChildren(numbersTable(items, out.bucket));
      $("mix").replaceChildren(queueMix(items));
      $("response").replaceChildren(responseTable(out.response));
      setStatus(`${total} comments, ${RANGE[out.bucket]}, per ${out.bucket} (UTC).`);
      document.body.dataset.stats = String(seq);
    } catch (e) {
      if (seq === A.seq) setStatus(e.message, true);
    }
    loadThemes();
  }

  async function loadThemes() {
    const seq = ++A.themesSeq;
    $("themes").replaceChildren(h("p", { className: "muted", text: "Grouping this week's complaints… (new ones are embedded first: a few seconds)" }));
    try {
      const out = await get("/v1/stats/themes?" + query());
      if (seq !== A.themesSeq) return;
      renderThemes(out);
      document.body.dataset.themes = String(seq);
    } catch (e) {
      if (seq === A.themesSeq) $("themes").replaceChildren(h("p", { className: "error", text: e.message }));
    }
  }

  function channels() {
    // The channels the key may see: the inbox's own channel filter has them.
    const sel = $("a-channel");
    const want = [...$("f-channel").options].map((o) => [o.value, o.textContent]);
    if ([...sel.options].map((o) => o.value).join("\n") !== want.map((w) => w[0]).join("\n")) {
      sel.replaceChildren(...want.map(([v, t]) => h("option", { value: v, text: t })));
    }
    sel.value = A.channel;
  }

  let wired = false;
  function wire(onChannel) {
    if (wired) return;
    wired = true;
    $("a-channel").addEventListener("change", (e) => onChannel(e.target.value));
    $("a-bucket").addEventListener("change", (e) => {
      A.bucket = e.target.value;
      load();
    });
  }

  // Called by app.js whenever the view is shown or its channel changes.
  window.TriageAnalytics = {
    show(channel, onChannel) {
      wire(onChannel);
      A.channel = channel || "";
      channels();
      $("a-bucket").value = A.bucket;
      load();
    },
  };
})();
