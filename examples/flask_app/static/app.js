// The example page: every call goes to the backend's routes (zoom_sdk.flask), never to Zoom.
"use strict";

const $ = (id) => document.getElementById(id);

async function call(method, path, body) {
  const init = { method, headers: {}, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const resp = await fetch(path, init);
  let json;
  try {
    json = await resp.json();
  } catch {
    throw new Error(`${path} answered ${resp.status} without JSON`);
  }
  if (json.ok === false) {
    const e = json.error;
    const message = typeof e === "object" && e ? e.message : json.message || e;
    const err = new Error(message || `${path} failed (${resp.status})`);
    err.code = typeof e === "object" && e ? e.code : e;
    throw err;
  }
  return json;
}
const integration = (path, body = {}) => call("POST", `/api/integrations/zoom/${path}`, body).then((j) => j.data);

function notice(text, error = false) {
  const n = $("notice");
  n.textContent = text;
  n.className = error ? "error" : "";
  n.hidden = !text;
}

function items(list, rows, render) {
  list.replaceChildren();
  if (!rows.length) {
    const li = document.createElement("li");
    li.className = "empty";
    li.textContent = "none";
    list.append(li);
    return;
  }
  for (const row of rows) list.append(render(row));
}

function when(iso, zone) {
  if (!iso) return "no fixed time";
  const opts = { dateStyle: "medium", timeStyle: "short" };
  try {
    return new Date(iso).toLocaleString(undefined, zone ? { ...opts, timeZone: zone } : opts) + (zone ? ` (${zone})` : "");
  } catch {
    return new Date(iso).toLocaleString(undefined, opts);
  }
}

let connected = false;

async function loadStatus() {
  const s = await integration("status");
  connected = s.state === "connected";
  $("status").textContent = s.state.replace(/_/g, " ");
  $("status").dataset.state = s.state;
  $("zoom-email").textContent = s.email ? `as ${s.email}` : "";
  $("scopes").textContent = s.scopes.length ? s.scopes.join(", ") : "–";
  $("connect").hidden = connected;
  $("disconnect").hidden = !connected;
  return connected;
}

async function loadMeetings() {
  const d = await integration("meetings/list", { type: "upcoming", page_size: 30 });
  const at = (m) => (m.start_time ? Date.parse(m.start_time) : Infinity);
  d.meetings.sort((a, b) => at(a) - at(b));
  items($("meetings"), d.meetings, (m) => {
    const li = document.createElement("li");
    li.dataset.id = String(m.id);
    li.textContent = `${m.topic} — ${when(m.start_time, m.timezone)}`;
    return li;
  });
}

async function loadRecordings() {
  const d = await integration("recordings/list", {});
  items($("recordings"), d.meetings, (r) => {
    const li = document.createElement("li");
    li.append(`${r.topic} — ${when(r.start_time)} `);
    for (const f of r.recording_files || []) {
      if (!f.id || !f.download_url) continue;
      const a = document.createElement("a");
      a.href = `/app/recordings/${r.id}/${encodeURIComponent(f.id)}`;
      a.textContent = (f.file_type || "file").toLowerCase();
      a.className = "download";
      li.append(a, " ");
    }
    return li;
  });
}

async function loadHealth() {
  const resp = await fetch("/api/zoom/health");
  const h = await resp.json();
  $("health").textContent = h.status;
  $("health").className = h.status;
  items($("health-components"), h.components || [], (c) => {
    const li = document.createElement("li");
    li.className = c.status;
    li.textContent = `${c.name}: ${c.status} — ${c.detail}`;
    return li;
  });
}

async function sync() {
  const bar = $("sync-progress");
  bar.hidden = false;
  bar.removeAttribute("value");
  $("sync-state").textContent = "syncing…";
  try {
    await integration("sync", { background: true });
  } catch (e) {
    if (e.code !== "sync_in_progress") throw e;
  }
  for (;;) {
    const s = await integration("sync/status");
    const run = s.run;
    if (run && run.progress) {
      const p = run.progress;
      bar.max = Math.max(1, p.steps);
      bar.value = Math.min(p.steps, p.step + (p.total ? p.done / p.total : 0));
    }
    if (!run || run.state !== "running") {
      bar.hidden = true;
      if (run && run.state === "failed") throw new Error(run.error.message);
      const counts = run && run.report ? run.report.counts : {};
      const sum = (k) => Object.values(counts).reduce((a, c) => a + (c[k] || 0), 0);
      $("sync-state").textContent = `synced: ${sum("fetched")} fetched, ${sum("inserted")} new, ${sum("updated")} changed, ${sum("deleted")} removed`;
      $("sync-state").dataset.done = "1";
      return;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function search(q) {
  const url = `/api/integrations/zoom/search?q=${encodeURIComponent(q)}`;
  const d = (await call("GET", url)).data;
  items($("results"), d.hits, (h) => {
    const li = document.createElement("li");
    li.textContent = `${h.kind}: ${h.topic} — ${when(h.start_time, h.timezone)}`;
    return li;
  });
}

function guard(fn) {
  return async (ev) => {
    if (ev) ev.preventDefault();
    try {
      await fn(ev);
    } catch (e) {
      notice(e.message, true);
    }
  };
}

async function refreshAll() {
  if (await loadStatus()) await Promise.all([loadMeetings(), loadRecordings()]);
}

async function main() {
  const me = await (await fetch("/app/me")).json();
  $("who").textContent = me.user;
  $("timezone").value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  const params = new URLSearchParams(location.search);
  if (params.get("zoom") === "connected") notice("Zoom connected.");
  if (params.get("zoom") === "error") notice(`Zoom was not connected: ${params.get("message") || params.get("error")}`, true);
  if (params.has("zoom")) history.replaceState(null, "", "/");

  $("connect").onclick = guard(async () => {
    const j = await call("POST", "/api/auth/zoom/authorize", {});
    location.assign(j.authorization_url);
  });
  $("disconnect").onclick = guard(async () => {
    await call("POST", "/api/auth/zoom/revoke", {});
    notice("Zoom disconnected.");
    await refreshAll();
  });
  $("schedule-form").onsubmit = guard(async () => {
    const f = $("schedule-form");
    const meeting = {
      topic: f.topic.value,
      start_time: f.start.value.length === 16 ? `${f.start.value}:00` : f.start.value,
      timezone: f.timezone.value,
      duration: Number(f.duration.value),
      agenda: f.agenda.value || undefined,
    };
    const m = await integration("meetings/schedule", { meeting });
    notice(`Scheduled “${m.topic}” for ${when(m.start_time, m.timezone)}.`);
    await loadMeetings();
    await sync();
  });
  $("search-form").onsubmit = guard(() => search($("search").value));
  $("sync-btn").onclick = guard(sync);
  await Promise.all([refreshAll().catch((e) => notice(e.message, true)), loadHealth()]);
}

main().catch((e) => notice(e.message, true));
