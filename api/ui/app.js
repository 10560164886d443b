// trailbox Event history page. Plain ES2020, no dependencies, served from the binary.
//
// Safety: records hold arbitrary strings sent by callers. Everything taken from the server is put
// into the page with textContent / attributes set through the DOM, never parsed as HTML.
//
// Paging. /_trailbox/events can return newest first (order=desc, sorted by (eventTime, seq)) but
// only exposes a cursor (`after=<seq>`) for commit order. So:
//   * the first page is `order=desc&limit=100`;
//   * an older page is `order=desc&endTime=<oldest shown second>.999&limit=<k+100>`, where k is the
//     number of shown rows in that same second: eventTime has one-second resolution and many
//     events can share a second, so the request re-reads those k rows (they are the first k
//     results, as the order is deterministic) and they are dropped by eventID. Only 100 new rows
//     are rendered per page, whatever the store holds;
//   * live rows come from /_trailbox/events/stream opened with after=<x-trailbox-last-seq of the
//     first page>, i.e. the seq of the oldest row shown: the server replays everything committed
//     since (mostly rows already shown, dropped by eventID) before the live tail, so nothing that
//     arrived between the page and the stream is missed. Reconnections continue from the last
//     `id:` received.
// Walking commit order with `after` alone cannot page backwards, and walking back by time alone
// (endTime = oldest second) would skip or repeat rows whenever several events share a second.
"use strict";

(() => {
  const API = "/_trailbox";
  const PAGE_SIZE = 100;
  const MAX_LIMIT = 10000;       // the endpoint's largest `limit`
  const LIVE_ROW_CAP = 1000;     // live updates keep at most this many rows (older ones: "Load older")
  const PAUSE_BUFFER_CAP = 1000; // beyond this many events held while paused, resuming reloads
  const FILTER_NAMES = ["eventName", "username", "eventSource", "resourceType", "resourceName", "accessKeyId",
    "eventId", "errorCode", "readOnly", "startTime", "endTime", "account", "region", "errorsOnly"];
  const EVENT_NAMES = ["CreateApplication", "GetApplication", "UpdateApplication", "DeleteApplication",
    "ListApplications", "StartApplication", "StopApplication", "StartJobRun", "GetJobRun", "CancelJobRun",
    "ListJobRuns", "ListJobRunAttempts", "GetDashboardForJobRun", "GetResourceDashboard", "StartSession",
    "GetSession", "GetSessionEndpoint", "ListSessions", "TerminateSession", "TagResource", "UntagResource",
    "ListTagsForResource", "LookupEvents", "CreateTrail", "GetTrail", "DescribeTrails", "ListTrails",
    "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging", "GetTrailStatus", "PutEventSelectors",
    "GetEventSelectors", "AddTags", "RemoveTags", "ListTags", "ListPublicKeys"];

  const $ = (id) => document.getElementById(id);
  const ui = {
    form: $("filters"), summary: $("summary"), live: $("live"), liveText: $("live-text"), pause: $("pause"),
    reload: $("reload"), error: $("events-error"), pane: $("table-pane"), body: $("events-body"),
    empty: $("events-empty"), older: $("load-older"), moreStatus: $("more-status"), detailTitle: $("detail-title"),
    detail: $("detail"), split: $("split"), detailSummary: $("detail-summary"), detailJson: $("detail-json"),
    copy: $("copy-json"), closeDetail: $("close-detail"), serverInfo: $("server-info"),
  };

  // ---------- small helpers ----------

  // Creates an element; children are nodes or strings (strings become text nodes).
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === "className") node.className = v;
        else if (k === "text") node.textContent = v;
        else node.setAttribute(k, v === true ? "" : String(v));
      }
    }
    for (const c of children) {
      if (c === undefined || c === null || c === "") continue;
      node.append(c instanceof Node ? c : String(c));
    }
    return node;
  }

  async function getJson(url, signal) {
    const res = await fetch(url, { signal, headers: { Accept: "application/json" } });
    let body = null;
    try { body = await res.json(); } catch (_) { /* reported below */ }
    if (!res.ok) {
      const message = body && (body.message || body.Message);
      throw new Error(`${res.status}${body && body.__type ? " " + body.__type : ""}: ${message || res.statusText}`);
    }
    if (body === null) throw new Error(`${url}: the response is not JSON`);
    return { body, res };
  }

  const pad = (n, w = 2) => String(n).padStart(w, "0");
  // "2026-01-02 03:04:05" in the browser's time zone.
  function localTime(ms) {
    const d = new Date(ms);
    if (Number.isNaN(d.getTime())) return "";
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
      `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }
  // Value for <input type=datetime-local> from an ISO time.
  function toLocalInput(iso) {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? "" : localTime(d.getTime()).replace(" ", "T");
  }
  // Resource timestamps arrive as epoch seconds (EMR Serverless' own format) or ISO text.
  function anyTime(v) {
    if (v === undefined || v === null || v === "") return "";
    return localTime(typeof v === "number" ? v * 1000 : Date.parse(v));
  }
  const fmt = (n) => Number(n).toLocaleString("en-US");
  // 3725000 -> "1 h 2 min 5 s"
  function duration(ms) {
    let s = Math.round(ms / 1000);
    const parts = [];
    for (const [unit, size] of [["d", 86400], ["h", 3600], ["min", 60]]) {
      if (s >= size) parts.push(`${Math.floor(s / size)} ${unit}`);
      s %= size;
    }
    if (s || parts.length === 0) parts.push(`${s} s`);
    return parts.join(" ");
  }

  // LookupEvents' Username, as trailbox derives it from the identity.
  function userNameOf(rec) {
    const id = rec.userIdentity || {};
    const arn = typeof id.arn === "string" ? id.arn : "";
    switch (id.type) {
      case "IAMUser": return id.userName || arn.slice(arn.lastIndexOf("/") + 1);
      case "AssumedRole": return arn.slice(arn.lastIndexOf("/") + 1);
      case "Root": return "root";
      case "FederatedUser": return arn.slice(arn.indexOf("federated-user/") + 15);
      default: return "";
    }
  }

  // The resources LookupEvents names for an event (the record itself does not carry them), derived
  // the way trailbox's services derive them.
  function resourcesOf(rec) {
    const out = [];
    const req = rec.requestParameters && typeof rec.requestParameters === "object" ? rec.requestParameters : {};
    const resp = rec.responseElements && typeof rec.responseElements === "object" ? rec.responseElements : {};
    const idOk = (v) => typeof v === "string" && /^[0-9a-z]{1,64}$/.test(v);
    const region = rec.awsRegion;
    const account = rec.recipientAccountId;
    if (rec.eventSource === "emr-serverless.amazonaws.com") {
      const appId = req.applicationId || resp.applicationId;
      if (!idOk(appId)) return out;
      const app = `arn:aws:emr-serverless:${region}:${account}:/applications/${appId}`;
      out.push({ type: "AWS::EMRServerless::Application", name: app });
      const runId = req.jobRunId || (rec.eventName === "StartJobRun" ? resp.jobRunId : undefined);
      if (idOk(runId)) out.push({ type: "AWS::EMRServerless::JobRun", name: `${app}/jobruns/${runId}` });
      const sessionId = req.sessionId || (rec.eventName === "GetResourceDashboard" ? req.resourceId : undefined) ||
        (rec.eventName === "StartSession" ? resp.sessionId : undefined);
      if (idOk(sessionId)) out.push({ type: "AWS::EMRServerless::Session", name: `${app}/sessions/${sessionId}` });
    } else if (rec.eventSource === "cloudtrail.amazonaws.com") {
      let name = typeof resp.TrailARN === "string" ? resp.TrailARN : "";
      for (const key of ["Name", "TrailName", "ResourceId"]) {
        if (!name && typeof req[key] === "string") name = req[key];
      }
      if (name) {
        out.push({ type: "AWS::CloudTrail::Trail",
          name: name.startsWith("arn:") ? name : `arn:aws:cloudtrail:${region}:${account}:trail/${name}` });
      }
    }
    if (typeof req.resourceArn === "string" && !out.some((r) => r.name === req.resourceArn)) {
      out.push({ type: req.resourceArn.includes("/jobruns/") ? "AWS::EMRServerless::JobRun"
        : "AWS::EMRServerless::Application", name: req.resourceArn });
    }
    return out;
  }
  // ["jobrun", "00fab…"] rather than the whole ARN (which is in the cell's tooltip and the record).
  const shortResource = (r) => [r.type.slice(r.type.lastIndexOf(":") + 1).toLowerCase(), r.name.slice(r.name.lastIndexOf("/") + 1)];

  // ---------- filters (kept in the page's query string, so a view can be bookmarked) ----------

  function filtersFromForm() {
    const q = new URLSearchParams();
    for (const name of FILTER_NAMES) {
      const input = ui.form.elements[name];
      if (!input) continue;
      if (input.type === "checkbox") {
        if (input.checked) q.set(name, "true");
        continue;
      }
      const value = input.value.trim();
      if (!value) continue;
      if (input.type === "datetime-local") {
        const ms = new Date(value).getTime();
        if (Number.isNaN(ms)) throw new Error(`${name === "startTime" ? "From" : "To"} is not a valid time`);
        // "To" takes the whole second it names (the endpoint's times are inclusive, in ms).
        q.set(name, new Date(name === "endTime" && value.length <= 19 ? ms + 999 : ms).toISOString());
      } else {
        q.set(name, value);
      }
    }
    if (q.has("startTime") && q.has("endTime") && Date.parse(q.get("startTime")) > Date.parse(q.get("endTime"))) {
      throw new Error("From must not be later than To");
    }
    return q;
  }

  function filtersToForm(q) {
    for (const name of FILTER_NAMES) {
      const input = ui.form.elements[name];
      if (!input) continue;
      const value = q.get(name) || "";
      if (input.type === "checkbox") input.checked = value === "true";
      else if (input.type === "datetime-local") input.value = value ? toLocalInput(value) : "";
      else input.value = value;
    }
  }

  function filtersFromLocation() {
    const q = new URLSearchParams();
    const from = new URLSearchParams(location.search);
    for (const name of FILTER_NAMES) if (from.get(name)) q.set(name, from.get(name));
    return q;
  }

  // ---------- events table state ----------

  const S = {
    filters: new URLSearchParams(),
    rows: [],            // [{rec, tr}] newest first, as shown
    ids: new Set(),      // eventIDs shown
    recordOf: new WeakMap(),
    selected: null,      // the selected <tr>
    gen: 0,              // bumped on every reload; late answers of older generations are ignored
    abort: null,
    exhausted: false,
    loadingOlder: false,
    moreNote: "",
    cap: LIVE_ROW_CAP,
    total: null,
    paused: false,
    queue: [],           // live records waiting for the next render (arrival order)
    held: [],            // live records that arrived while paused
    heldOverflow: false,
    es: null,
    streamAfter: 0,
    retryTimer: 0,
    retryDelay: 1000,
    flushTimer: 0,
    lastFlushSize: 0,
    countTimer: 0,
  };

  function showError(message) {
    ui.error.textContent = message || "";
    ui.error.hidden = !message;
  }

  function renderRow(rec, fresh) {
    const ms = Date.parse(rec.eventTime);
    const user = userNameOf(rec);
    const resources = resourcesOf(rec);
    const resourceCell = h("td", { className: "resource" });
    resources.forEach((r) => {
      const [kind, id] = shortResource(r);
      resourceCell.append(h("span", { title: `${r.type}\n${r.name}` }, `${kind}/`, h("wbr"), id));
    });
    const errorCell = h("td", { className: "error-cell", "data-col": "error" });
    if (rec.errorCode) {
      // "ResourceNotFoundException" may wrap between its words when the column is narrow.
      const words = String(rec.errorCode).split(/(?<=[a-z])(?=[A-Z])/);
      const badge = h("span", { className: "badge badge-error", title: rec.errorMessage || "" });
      words.forEach((w, i) => badge.append(...(i ? [h("wbr"), w] : [w])));
      errorCell.append(badge);
    }
    const tr = h("tr", { "data-testid": "event-row", "data-event-id": rec.eventID, className: [
      rec.errorCode ? "has-error" : "", fresh ? "fresh" : ""].join(" ").trim() || null },
    h("td", { className: "time", "data-col": "time" },
      h("time", { datetime: rec.eventTime, title: rec.eventTime, text: localTime(ms) })),
    h("td", { "data-col": "eventName" },
      h("button", { type: "button", className: "row-open", tabindex: "-1", text: rec.eventName })),
    h("td", { "data-col": "username", title: user ? null : (rec.userIdentity && rec.userIdentity.invokedBy) || null,
      text: user || "—" }),
    h("td", { "data-col": "eventSource", title: rec.eventSource, text: String(rec.eventSource).replace(/\.amazonaws\.com$/, "") }),
    h("td", { "data-col": "region", text: rec.awsRegion }),
    resourceCell,
    errorCell);
    resourceCell.setAttribute("data-col", "resource");
    S.recordOf.set(tr, rec);
    return tr;
  }

  function clearRows() {
    S.rows = [];
    S.ids.clear();
    ui.body.textContent = "";
    S.cap = LIVE_ROW_CAP;
  }

  function appendRows(records) {
    const frag = document.createDocumentFragment();
    let added = 0;
    for (const rec of records) {
      if (!rec || S.ids.has(rec.eventID)) continue;
      const tr = renderRow(rec, false);
      S.ids.add(rec.eventID);
      S.rows.push({ rec, tr });
      frag.append(tr);
      added++;
    }
    ui.body.append(frag);
    ensureRovingTarget();
    return added;
  }

  function updateSummary() {
    const shown = S.rows.length;
    ui.empty.hidden = shown > 0;
    let text;
    if (S.total === null) text = `${fmt(shown)} events shown`;
    else if (S.total === 0 && shown === 0) text = "0 events";
    else if (S.exhausted && shown >= S.total) text = `${fmt(S.total)} event${S.total === 1 ? "" : "s"}, all shown`;
    else text = `Showing ${fmt(shown)} of ${fmt(Math.max(S.total, shown))} events, newest first`;
    ui.summary.textContent = text;
    ui.older.hidden = S.exhausted || shown === 0;
    ui.older.disabled = S.loadingOlder;
    if (S.loadingOlder) ui.moreStatus.textContent = "Loading…";
    else if (S.moreNote) ui.moreStatus.textContent = S.moreNote;
    else ui.moreStatus.textContent = S.exhausted && shown > 0 ? "No older events." : "";
  }

  async function refreshCount() {
    const gen = S.gen;
    try {
      const { body } = await getJson(`${API}/events/count?${S.filters}`);
      if (gen !== S.gen) return;
      S.total = body.count;
      updateSummary();
    } catch (_) { /* the count is a nicety; the table's own errors are reported */ }
  }
  function scheduleCount() {
    if (S.countTimer) return;
    S.countTimer = setTimeout(() => { S.countTimer = 0; refreshCount(); }, 1000);
  }

  async function reload() {
    const gen = ++S.gen;
    if (S.abort) S.abort.abort();
    S.abort = new AbortController();
    stopStream();
    S.queue = [];
    S.held = [];
    S.heldOverflow = false;
    S.exhausted = false;
    S.total = null;
    S.loadingOlder = false;
    S.moreNote = "";
    showError("");
    ui.summary.textContent = "Loading…";
    ui.body.setAttribute("aria-busy", "true");
    const q = new URLSearchParams(S.filters);
    q.set("order", "desc");
    q.set("limit", String(PAGE_SIZE));
    const started = performance.now();
    try {
      const [{ body, res }, count] = await Promise.all([
        getJson(`${API}/events?${q}`, S.abort.signal),
        getJson(`${API}/events/count?${S.filters}`, S.abort.signal).then((r) => r.body.count, () => null),
      ]);
      if (gen !== S.gen) return;
      const keepSelected = S.selected && S.recordOf.get(S.selected);
      clearRows();
      appendRows(body.Records || []);
      S.exhausted = (body.Records || []).length < PAGE_SIZE;
      S.total = count;
      updateSummary();
      document.body.dataset.loadMs = String(Math.round(performance.now() - started));
      if (keepSelected) {
        const row = S.rows.find((r) => r.rec.eventID === keepSelected.eventID);
        if (row) markSelected(row.tr);
      }
      startStream(Number(res.headers.get("x-trailbox-last-seq")) || 0);
    } catch (e) {
      if (gen !== S.gen || e.name === "AbortError") return;
      clearRows();
      updateSummary();
      ui.summary.textContent = "Could not load events";
      showError(`Could not load events: ${e.message}`);
      setLive("offline", "Not connected");
    } finally {
      if (gen === S.gen) ui.body.removeAttribute("aria-busy");
    }
  }

  async function loadOlder() {
    if (S.loadingOlder || S.exhausted || S.rows.length === 0) return;
    const gen = S.gen;
    S.loadingOlder = true;
    updateSummary();
    const oldest = S.rows[S.rows.length - 1].rec;
    const second = Date.parse(oldest.eventTime);
    let endMs = second + 999;
    if (S.filters.has("endTime")) endMs = Math.min(endMs, Date.parse(S.filters.get("endTime")));
    let sameSecond = 0;
    for (let i = S.rows.length - 1; i >= 0 && S.rows[i].rec.eventTime === oldest.eventTime; i--) sameSecond++;
    let limit = Math.min(MAX_LIMIT, sameSecond + PAGE_SIZE);
    try {
      for (;;) {
        const q = new URLSearchParams(S.filters);
        q.set("order", "desc");
        q.set("endTime", new Date(endMs).toISOString());
        q.set("limit", String(limit));
        const { body } = await getJson(`${API}/events?${q}`, S.abort && S.abort.signal);
        if (gen !== S.gen) return;
        const records = body.Records || [];
        const fresh = records.filter((r) => !S.ids.has(r.eventID));
        if (fresh.length === 0 && records.length === limit) {
          if (limit < MAX_LIMIT) {
            // Rows arrived live in that second in the meantime: read further into it.
            limit = Math.min(MAX_LIMIT, limit + PAGE_SIZE);
            continue;
          }
          S.moreNote = `More than ${fmt(MAX_LIMIT)} events share one second; narrow the time range (To) to see older ones.`;
          break;
        }
        appendRows(fresh.slice(0, PAGE_SIZE));
        S.exhausted = records.length < limit && fresh.length <= PAGE_SIZE;
        S.cap = Math.max(S.cap, S.rows.length);
        break;
      }
    } catch (e) {
      if (gen === S.gen && e.name !== "AbortError") showError(`Could not load older events: ${e.message}`);
    } finally {
      if (gen === S.gen) {
        S.loadingOlder = false;
        updateSummary();
      }
    }
  }

  // ---------- live tail ----------

  function setLive(state, text) {
    ui.live.dataset.state = state;
    ui.liveText.textContent = text;
  }

  function liveLabel() {
    if (S.paused) {
      const n = S.held.length;
      return ["paused", n ? `Paused — ${fmt(n)}${S.heldOverflow ? "+" : ""} new` : "Paused"];
    }
    return ["live", "Live"];
  }

  function stopStream() {
    clearTimeout(S.retryTimer);
    S.retryTimer = 0;
    if (S.es) {
      S.es.close();
      S.es = null;
    }
  }

  function startStream(after) {
    stopStream();
    S.streamAfter = after;
    const gen = S.gen;
    const q = new URLSearchParams(S.filters);
    q.set("after", String(after));
    q.set("limit", String(MAX_LIMIT)); // how much the server replays from `after`
    const es = new EventSource(`${API}/events/stream?${q}`);
    S.es = es;
    setLive("connecting", "Connecting…");
    es.onopen = () => {
      if (S.es !== es) return;
      S.retryDelay = 1000;
      setLive(...liveLabel());
    };
    es.addEventListener("record", (e) => {
      if (S.es !== es || gen !== S.gen) return;
      const seq = Number(e.lastEventId);
      if (seq > S.streamAfter) S.streamAfter = seq;
      let rec;
      try { rec = JSON.parse(e.data); } catch (_) { return; }
      onLiveRecord(rec);
    });
    es.onerror = () => {
      if (S.es !== es) return;
      // The browser would reconnect with Last-Event-ID, but the `after` in the URL takes precedence
      // on the server: reconnect ourselves from the last record received.
      es.close();
      S.es = null;
      setLive("offline", `Disconnected — retrying in ${Math.round(S.retryDelay / 1000)} s`);
      S.retryTimer = setTimeout(() => { if (gen === S.gen) startStream(S.streamAfter); }, S.retryDelay);
      S.retryDelay = Math.min(S.retryDelay * 2, 15000);
    };
  }

  function onLiveRecord(rec) {
    if (!rec || S.ids.has(rec.eventID)) return;
    if (S.paused) {
      if (S.held.length >= PAUSE_BUFFER_CAP) S.heldOverflow = true;
      else S.held.push(rec);
      setLive(...liveLabel());
      return;
    }
    S.queue.push(rec);
    // One render per 100 ms, or per 400 ms while records pour in.
    if (!S.flushTimer) S.flushTimer = setTimeout(flushLive, S.queue.length > 1 || S.lastFlushSize > 50 ? 400 : 100);
  }

  // Renders queued live records in one DOM update (a burst of calls costs one layout).
  function flushLive() {
    S.flushTimer = 0;
    S.lastFlushSize = S.queue.length;
    const seen = new Set();
    const recs = S.queue.splice(0).reverse().filter((r) => {
      if (S.ids.has(r.eventID) || seen.has(r.eventID)) return false;
      seen.add(r.eventID);
      return true;
    });
    if (recs.length === 0) return;
    if (recs.length >= S.cap) {
      // The new rows alone fill the table: show the newest of them; the rest is "older".
      clearRows();
      appendRows(recs.slice(0, LIVE_ROW_CAP));
      S.exhausted = false;
    } else {
      const pane = ui.pane;
      const scrolled = pane.scrollTop > 0;
      const heightBefore = pane.scrollHeight;
      const frag = document.createDocumentFragment();
      const highlight = recs.length <= 20; // a burst is not animated row by row
      const rows = recs.map((rec) => {
        const tr = renderRow(rec, highlight);
        S.ids.add(rec.eventID);
        frag.append(tr);
        return { rec, tr };
      });
      ui.body.prepend(frag);
      S.rows.unshift(...rows);
      while (S.rows.length > S.cap) {
        const { rec, tr } = S.rows.pop();
        S.ids.delete(rec.eventID);
        tr.remove();
        S.exhausted = false;
      }
      // Keep what the reader is looking at in place when they scrolled down.
      if (scrolled) pane.scrollTop += pane.scrollHeight - heightBefore;
      ensureRovingTarget();
    }
    updateSummary();
    scheduleCount();
  }

  function setPaused(paused) {
    S.paused = paused;
    ui.pause.setAttribute("aria-pressed", String(paused));
    ui.pause.textContent = paused ? "Resume live updates" : "Pause live updates";
    if (!paused) {
      const held = S.held.splice(0);
      const overflow = S.heldOverflow;
      S.heldOverflow = false;
      if (overflow) {
        reload();
        return;
      }
      S.queue.push(...held);
      if (held.length) flushLive();
    }
    if (S.es) setLive(...(S.es.readyState === EventSource.OPEN ? liveLabel() : ["connecting", "Connecting…"]));
  }

  // ---------- selection, keyboard and the detail pane ----------

  const rowButton = (tr) => tr && tr.querySelector("button.row-open");

  // One row button is in the tab order (roving tabindex); arrows move between rows.
  function ensureRovingTarget() {
    const current = ui.body.querySelector('button.row-open[tabindex="0"]');
    if (current && current.isConnected) return;
    const target = rowButton(S.selected && S.selected.isConnected ? S.selected : ui.body.firstElementChild);
    if (target) target.tabIndex = 0;
  }
  function focusRow(tr) {
    if (!tr) return;
    for (const b of ui.body.querySelectorAll('button.row-open[tabindex="0"]')) b.tabIndex = -1;
    const b = rowButton(tr);
    b.tabIndex = 0;
    b.focus();
  }

  function markSelected(tr) {
    if (S.selected) {
      S.selected.classList.remove("selected");
      S.selected.removeAttribute("aria-current");
    }
    S.selected = tr;
    tr.classList.add("selected");
    tr.setAttribute("aria-current", "true");
  }

  function select(tr) {
    const rec = S.recordOf.get(tr);
    if (!rec) return;
    markSelected(tr);
    showDetail(rec);
  }

  // JSON text with tokens wrapped in spans for colour (text nodes only).
  function renderJson(pre, value) {
    const text = JSON.stringify(value, null, 2);
    const frag = document.createDocumentFragment();
    const re = /("(?:\\.|[^"\\])*")(\s*:)?|\b(?:true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
    let last = 0;
    for (let m; (m = re.exec(text));) {
      if (m.index > last) frag.append(text.slice(last, m.index));
      let cls = "j-num";
      if (m[1]) cls = m[2] ? "j-key" : "j-str";
      else if (m[0] === "null") cls = "j-null";
      else if (m[0] === "true" || m[0] === "false") cls = "j-bool";
      frag.append(h("span", { className: cls, text: m[1] || m[0] }));
      if (m[2]) frag.append(m[2]);
      last = re.lastIndex;
    }
    frag.append(text.slice(last));
    pre.textContent = "";
    pre.append(frag);
  }

  function showDetail(rec) {
    ui.detailTitle.textContent = `${rec.eventName} · ${localTime(Date.parse(rec.eventTime))}`;
    const dl = ui.detailSummary;
    dl.textContent = "";
    const add = (term, ...value) => {
      if (value.length === 0 || value[0] === undefined || value[0] === "") return;
      dl.append(h("dt", { text: term }), h("dd", null, ...value));
    };
    add("Event ID", rec.eventID);
    add("Request ID", rec.requestID);
    add("User name", userNameOf(rec));
    add("Access key ID", rec.userIdentity && rec.userIdentity.accessKeyId);
    add("Source IP", rec.sourceIPAddress);
    if (rec.errorCode) add("Error", h("strong", { text: rec.errorCode }), rec.errorMessage ? `: ${rec.errorMessage}` : "");
    for (const r of resourcesOf(rec)) {
      const btn = h("button", { type: "button", className: "link", "data-testid": "filter-by-resource",
        title: "Show only events for this resource", text: "Filter" });
      btn.addEventListener("click", () => applyFilters(new URLSearchParams({ resourceName: r.name })));
      add(r.type.replace("AWS::", ""), h("span", { className: "mono", text: r.name }), " ", btn);
    }
    renderJson(ui.detailJson, rec);
    ui.detail.hidden = false;
    ui.split.classList.add("with-detail");
    ui.detail.scrollTop = 0;
  }

  function closeDetail() {
    if (S.selected) {
      S.selected.classList.remove("selected");
      S.selected.removeAttribute("aria-current");
      const b = rowButton(S.selected);
      S.selected = null;
      if (b && b.isConnected) b.focus();
    }
    ui.detail.hidden = true;
    ui.split.classList.remove("with-detail");
    ui.detailSummary.textContent = "";
    ui.detailJson.textContent = "";
  }

  ui.body.addEventListener("click", (e) => {
    const tr = e.target.closest("tr");
    if (!tr || !ui.body.contains(tr)) return;
    // Let people select text in a row without opening it.
    if (e.target.tagName !== "BUTTON" && String(window.getSelection && window.getSelection()).length > 0) return;
    for (const b of ui.body.querySelectorAll('button.row-open[tabindex="0"]')) b.tabIndex = -1;
    rowButton(tr).tabIndex = 0;
    select(tr);
  });

  ui.body.addEventListener("keydown", (e) => {
    const tr = e.target.closest("tr");
    if (!tr) return;
    let next = null;
    switch (e.key) {
      case "ArrowDown": next = tr.nextElementSibling; break;
      case "ArrowUp": next = tr.previousElementSibling; break;
      case "Home": next = ui.body.firstElementChild; break;
      case "End": next = ui.body.lastElementChild; break;
      case "PageDown": { next = tr; for (let i = 0; i < 10 && next.nextElementSibling; i++) next = next.nextElementSibling; break; }
      case "PageUp": { next = tr; for (let i = 0; i < 10 && next.previousElementSibling; i++) next = next.previousElementSibling; break; }
      default: return;
    }
    e.preventDefault();
    if (next) {
      focusRow(next);
      select(next);
    }
  });

  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && S.selected && !e.target.closest("input, select, textarea")) closeDetail();
  });

  ui.closeDetail.addEventListener("click", closeDetail);
  ui.copy.addEventListener("click", async () => {
    const rec = S.selected && S.recordOf.get(S.selected);
    if (!rec) return;
    const text = JSON.stringify(rec, null, 2);
    try {
      await navigator.clipboard.writeText(text);
      ui.copy.textContent = "Copied";
    } catch (_) {
      // Clipboard API refused (plain http on another host): select the text instead.
      const range = document.createRange();
      range.selectNodeContents(ui.detailJson);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      ui.copy.textContent = "Selected — press Ctrl+C";
    }
    setTimeout(() => { ui.copy.textContent = "Copy JSON"; }, 1500);
  });

  // ---------- filter form and toolbar ----------

  function applyFilters(q) {
    S.filters = q;
    filtersToForm(q);
    const search = q.toString();
    history.replaceState(null, "", `${location.pathname}${search ? "?" + search : ""}${location.hash}`);
    showView("events");
    closeDetail();
    reload();
  }

  ui.form.addEventListener("submit", (e) => {
    e.preventDefault();
    let q;
    try {
      q = filtersFromForm();
    } catch (err) {
      showError(err.message);
      return;
    }
    applyFilters(q);
  });
  $("clear-filters").addEventListener("click", () => applyFilters(new URLSearchParams()));
  ui.reload.addEventListener("click", () => reload());
  ui.pause.addEventListener("click", () => setPaused(!S.paused));
  ui.older.addEventListener("click", loadOlder);

  const names = $("dl-event-names");
  for (const n of EVENT_NAMES) names.append(h("option", { value: n }));

  // ---------- tabs ----------

  const tabs = [$("tab-events"), $("tab-resources")];
  function showView(view) {
    for (const tab of tabs) {
      const on = tab.dataset.view === view;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      $(tab.getAttribute("aria-controls")).hidden = !on;
    }
    if (view === "resources") loadResources();
    setAutoRefresh();
  }
  for (const tab of tabs) {
    tab.addEventListener("click", () => {
      history.replaceState(null, "", `${location.pathname}${location.search}#${tab.dataset.view}`);
      showView(tab.dataset.view);
    });
    tab.addEventListener("keydown", (e) => {
      const i = tabs.indexOf(tab);
      let j = null;
      if (e.key === "ArrowRight") j = (i + 1) % tabs.length;
      else if (e.key === "ArrowLeft") j = (i + tabs.length - 1) % tabs.length;
      else if (e.key === "Home") j = 0;
      else if (e.key === "End") j = tabs.length - 1;
      if (j === null) return;
      e.preventDefault();
      tabs[j].focus();
      tabs[j].click();
    });
  }
  const currentView = () => ($("view-resources").hidden ? "events" : "resources");

  // ---------- resources view ----------

  let resourcesGen = 0;
  let autoTimer = 0;

  function stateBadge(state) {
    const s = String(state || "");
    let kind = "neutral";
    if (/^(SUCCESS|CREATED|STARTED|IDLE|BUSY|RUNNING)$/.test(s)) kind = s === "RUNNING" || s === "BUSY" ? "running" : "ok";
    else if (/^(FAILED|TERMINATED_WITH_ERRORS)$/.test(s)) kind = "error";
    else if (/^(CANCELLED|STOPPED|TERMINATED)$/.test(s)) kind = "muted";
    else if (s) kind = "pending";
    return h("span", { className: `badge badge-${kind}`, "data-testid": "state", text: s || "—" });
  }

  function eventsButton(arn, label) {
    if (!arn) return "";
    const b = h("button", { type: "button", className: "link", title: `Show the events of ${label}`, text: "Events" });
    b.addEventListener("click", () => applyFilters(new URLSearchParams({ resourceName: arn })));
    return b;
  }

  function fillTable(bodyId, countId, items, columns, testid) {
    const body = $(bodyId);
    const frag = document.createDocumentFragment();
    for (const item of items) {
      const tr = h("tr", { "data-testid": testid });
      for (const col of columns) {
        const v = col(item);
        tr.append(v instanceof Node && v.tagName === "TD" ? v : h("td", null, v === undefined ? "" : v));
      }
      frag.append(tr);
    }
    if (items.length === 0) {
      frag.append(h("tr", null, h("td", { colspan: columns.length, className: "empty", text: "None" })));
    }
    body.textContent = "";
    body.append(frag);
    $(countId).textContent = `(${fmt(items.length)})`;
  }

  const mono = (v, testid) => h("td", { className: "mono", "data-testid": testid || null, text: v || "" });
  const newestFirst = (a, b) => (Number(b.createdAt) || Date.parse(b.createdAt) || 0) - (Number(a.createdAt) || Date.parse(a.createdAt) || 0);

  async function loadResources() {
    const gen = ++resourcesGen;
    const status = $("resources-status");
    status.textContent = "Loading…";
    try {
      const { body } = await getJson(`${API}/resources`);
      if (gen !== resourcesGen) return;
      $("resources-error").hidden = true;
      const apps = (body.applications || []).slice().sort(newestFirst);
      const runs = (body.jobRuns || []).slice().sort(newestFirst);
      const sessions = (body.sessions || []).slice().sort(newestFirst);
      fillTable("applications-body", "count-applications", apps, [
        (a) => a.name || "—", (a) => mono(a.applicationId, "application-id"), (a) => a.type, (a) => a.releaseLabel,
        (a) => stateBadge(a.state), (a) => a.accountId, (a) => a.region, (a) => anyTime(a.createdAt),
        (a) => anyTime(a.updatedAt), (a) => eventsButton(a.arn, `application ${a.applicationId}`),
      ], "application-row");
      fillTable("jobruns-body", "count-jobruns", runs, [
        (r) => r.name || "—", (r) => mono(r.jobRunId, "jobrun-id"), (r) => mono(r.applicationId),
        (r) => stateBadge(r.state), (r) => h("td", { className: "details", text: r.stateDetails || "" }),
        (r) => r.accountId, (r) => r.region, (r) => anyTime(r.createdAt), (r) => anyTime(r.updatedAt),
        (r) => eventsButton(r.arn, `job run ${r.jobRunId}`),
      ], "jobrun-row");
      fillTable("sessions-body", "count-sessions", sessions, [
        (s) => s.name || "—", (s) => mono(s.sessionId, "session-id"), (s) => mono(s.applicationId),
        (s) => stateBadge(s.state), (s) => h("td", { className: "details", text: s.stateDetails || "" }),
        (s) => s.accountId, (s) => s.region, (s) => anyTime(s.createdAt), (s) => anyTime(s.updatedAt),
        (s) => eventsButton(s.arn, `session ${s.sessionId}`),
      ], "session-row");
      status.textContent = `Refreshed at ${localTime(Date.now()).slice(11)}`;
    } catch (e) {
      if (gen !== resourcesGen) return;
      status.textContent = "";
      $("resources-error").textContent = `Could not load resources: ${e.message}`;
      $("resources-error").hidden = false;
    }
    loadServerInfo();
  }

  function setAutoRefresh() {
    clearInterval(autoTimer);
    autoTimer = 0;
    if ($("auto-refresh").checked && currentView() === "resources") {
      autoTimer = setInterval(() => { if (!document.hidden) loadResources(); }, 2000);
    }
  }
  $("refresh-resources").addEventListener("click", loadResources);
  $("auto-refresh").addEventListener("change", setAutoRefresh);

  // ---------- header ----------

  async function loadServerInfo() {
    try {
      const [{ body: config }, { body: clock }] = await Promise.all([
        getJson(`${API}/config`), getJson(`${API}/clock`)]);
      const parts = [`Account ${config.defaultAccountId}`, config.defaultRegion];
      let clockText = `Clock ${localTime(clock.nowMs)}`;
      if (clock.offsetMs) clockText += ` (moved ${duration(clock.offsetMs)} ahead)`;
      parts.push(clockText);
      ui.serverInfo.textContent = parts.join(" · ");
      ui.serverInfo.title = `Default account and region of unsigned calls; emulated clock ${clock.now}`;
    } catch (_) {
      ui.serverInfo.textContent = "";
    }
  }

  // ---------- start ----------

  window.addEventListener("hashchange", () => showView(location.hash === "#resources" ? "resources" : "events"));
  S.filters = filtersFromLocation();
  filtersToForm(S.filters);
  showView(location.hash === "#resources" ? "resources" : "events");
  loadServerInfo();
  reload();
})();
