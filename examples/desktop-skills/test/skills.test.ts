// The desktop skills against the running example app, which runs on the emulator.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  ZoomSkills,
  configureZoomSkills,
  createZoomMeeting,
  getZoomMeeting,
  getZoomRecordings,
  getZoomStatus,
  getZoomUserProfile,
  listZoomMeetings,
  scheduleZoomMeeting,
  searchZoom,
  skillError,
} from "../src/zoomSkills.js";
import { parseJsonLossless } from "../src/json.js";
import { API_TOKEN, type RunningApp, connect, emulatorFaults, startApp } from "./helpers.js";

let app: RunningApp;
const USER = "desk-user";

before(async () => {
  app = await startApp();
  configureZoomSkills({ baseUrl: app.appUrl, apiToken: API_TOKEN, timeoutMs: 10_000 });
});
after(async () => {
  await app?.stop();
});

const future = (days: number) => new Date(Date.now() + days * 86_400_000);

describe("before connecting", () => {
  test("status says not connected, with the connect URL", async () => {
    const r = await getZoomStatus("fresh-user");
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.data.connected, false);
    assert.match(r.data.connectUrl ?? "", /\/oauth\/authorize\?/);
  });

  test("a skill for a user who never connected is ZOOM_AUTH_ERROR with a hint", async () => {
    const r = await listZoomMeetings("fresh-user");
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, "ZOOM_AUTH_ERROR");
    assert.match(r.error?.message ?? "", /connect Zoom/);
  });

  test("without the app's API token the backend does not know the caller", async () => {
    const anon = new ZoomSkills({ baseUrl: app.appUrl });
    const r = await anon.getZoomStatus(USER);
    assert.equal(r.error?.code, "ZOOM_AUTH_ERROR");
    assert.equal(r.error?.details?.backendCode, "unauthenticated");
  });

  test("denying on Zoom's consent page ends on a clear message", async () => {
    const where = await connect(app, "denier", "deny");
    assert.match(decodeURIComponent(where.replace(/\+/g, " ")), /zoom=error.*access_denied.*denied/);
    const r = await getZoomStatus("denier");
    assert.equal(r.ok && r.data.connected, false);
  });
});

describe("connected", () => {
  before(async () => {
    const where = await connect(app, USER);
    assert.match(where, /zoom=connected/);
  });

  test("status, scopes and profile", async () => {
    const s = await getZoomStatus(USER);
    assert.ok(s.ok && s.data.connected && s.data.scopes.includes("meeting:read"), JSON.stringify(s));
    const p = await getZoomUserProfile(USER);
    assert.ok(p.ok, JSON.stringify(p));
    assert.equal(p.data.email, s.data.email);
  });

  test("meetings list upcoming by default, with string ids and paging", async () => {
    const r = await listZoomMeetings(USER, { type: "scheduled", page_size: 5 });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.data.meetings.length, 5);
    assert.ok(r.data.nextPageToken);
    for (const m of r.data.meetings) assert.match(m.id, /^\d+$/);
    const next = await listZoomMeetings(USER, { type: "scheduled", page_size: 5, next_page_token: r.data.nextPageToken! });
    assert.ok(next.ok);
    assert.notEqual(next.data.meetings[0]!.id, r.data.meetings[0]!.id);
    const upcoming = await listZoomMeetings(USER);
    assert.ok(upcoming.ok);
    for (const m of upcoming.data.meetings) if (m.start_time) assert.ok(Date.parse(m.start_time) >= Date.now() - 60_000);
  });

  test("create, read back by id (string and bigint), and not found", async () => {
    const c = await createZoomMeeting(USER, { topic: "Desk giraffe sync", type: 2, start_time: future(3).toISOString(), duration: 25 });
    assert.ok(c.ok, JSON.stringify(c));
    const byString = await getZoomMeeting(USER, c.data.id);
    assert.ok(byString.ok);
    assert.equal(byString.data.topic, "Desk giraffe sync");
    const byBig = await getZoomMeeting(USER, BigInt(c.data.id));
    assert.ok(byBig.ok);
    const missing = await getZoomMeeting(USER, "99999999999");
    assert.equal(missing.error?.code, "MEETING_NOT_FOUND");
  });

  test("validation happens before the network, and again on the server", async () => {
    const noTopic = await createZoomMeeting(USER, { topic: " " });
    assert.equal(noTopic.error?.code, "VALIDATION_ERROR");
    const long = await scheduleZoomMeeting(USER, { topic: "x", startTime: future(1), timezone: "UTC", duration: 5000 });
    assert.equal(long.error?.code, "VALIDATION_ERROR");
    const past = await scheduleZoomMeeting(USER, { topic: "x", startTime: new Date(Date.now() - 3_600_000), timezone: "UTC", duration: 30 });
    assert.equal(past.error?.code, "VALIDATION_ERROR");
    // Only the server knows the zone does not exist.
    const zone = await scheduleZoomMeeting(USER, { topic: "x", startTime: "2031-03-01T10:00:00", timezone: "Mars/Olympus", duration: 30 });
    assert.equal(zone.error?.code, "VALIDATION_ERROR");
    assert.equal(zone.error?.details?.status, 400);
    assert.match(zone.error?.message ?? "", /time zone/);
  });

  test("schedule in a time zone, then find it by search after a sync", async () => {
    const s = await scheduleZoomMeeting(USER, { topic: "Okapi planning", startTime: "2031-03-01T10:00:00", timezone: "Asia/Tokyo", duration: 45, agenda: "stripes" });
    assert.ok(s.ok, JSON.stringify(s));
    assert.equal(s.data.timezone, "Asia/Tokyo");
    assert.equal(s.data.start_time, "2031-03-01T01:00:00Z");
    const sync = await fetch(`${app.appUrl}/api/integrations/zoom/sync`, {
      method: "POST",
      headers: { Authorization: `Bearer ${API_TOKEN}`, "X-User-ID": USER, "Content-Type": "application/json" },
      body: "{}",
    });
    assert.equal(sync.status, 200);
    const found = await searchZoom(USER, "okapi");
    assert.ok(found.ok, JSON.stringify(found));
    assert.ok(found.data.hits.some((h) => h.topic === "Okapi planning" && h.meeting_id === s.data.id));
  });

  test("recordings over a range, and a bad range", async () => {
    const r = await getZoomRecordings(USER, { from: future(-30), to: new Date() });
    assert.ok(r.ok, JSON.stringify(r));
    assert.ok(r.data.length >= 1 && r.data[0]!.recording_files.length >= 1);
    const bad = await getZoomRecordings(USER, { from: "2026-02-01", to: "2026-01-01" });
    assert.equal(bad.error?.code, "VALIDATION_ERROR");
    const malformed = await getZoomRecordings(USER, { from: "yesterday" });
    assert.equal(malformed.error?.code, "VALIDATION_ERROR");
  });

  test("cancellation with an AbortSignal", async () => {
    await emulatorFaults(app, { latency_ms: 2000 });
    try {
      const ctl = new AbortController();
      const pending = getZoomUserProfile(USER, { signal: ctl.signal });
      setTimeout(() => ctl.abort(), 100);
      const r = await pending;
      assert.equal(r.error?.code, "CANCELLED");
      const slow = new ZoomSkills({ baseUrl: app.appUrl, apiToken: API_TOKEN, timeoutMs: 200 });
      const t = await slow.getZoomUserProfile(USER);
      assert.equal(t.error?.code, "NETWORK_ERROR");
      assert.equal(t.error?.details?.timeout, true);
    } finally {
      await emulatorFaults(app, null);
    }
  });
  // Last: after a daily limit the SDK holds the category back until Zoom's reset.
  test("a daily limit is RATE_LIMITED with the wait", async () => {
    await emulatorFaults(app, { daily_limit_next: 1 });
    try {
      const r = await getZoomMeeting(USER, "12345678901");
      assert.equal(r.error?.code, "RATE_LIMITED", JSON.stringify(r));
      assert.ok((r.error?.retryAfter ?? 0) >= 1);
    } finally {
      await emulatorFaults(app, null);
    }
  });
});

describe("without a backend", () => {
  test("a backend that is down is NETWORK_ERROR naming it", async () => {
    const down = new ZoomSkills({ baseUrl: "http://127.0.0.1:9", apiToken: API_TOKEN });
    const r = await down.getZoomStatus(USER);
    assert.equal(r.error?.code, "NETWORK_ERROR");
    assert.match(r.error?.message ?? "", /127\.0\.0\.1:9/);
  });

  test("an HTML error page is ZOOM_API_ERROR, not an exception", async () => {
    const html = new ZoomSkills({ baseUrl: "http://x.invalid", fetch: async () => new Response("<html>502 Bad Gateway</html>", { status: 502 }) });
    const r = await html.getZoomStatus(USER);
    assert.equal(r.error?.code, "ZOOM_API_ERROR");
    assert.match(r.error?.message ?? "", /502/);
  });

  test("an answer of the wrong shape is reported, not passed on", async () => {
    const odd = new ZoomSkills({ baseUrl: "http://x.invalid", fetch: async () => new Response(JSON.stringify({ ok: true, data: { meetings: [{ id: 1.5, topic: "t" }] } }), { headers: { "Content-Type": "application/json" } }) });
    const r = await odd.listZoomMeetings(USER);
    assert.equal(r.error?.code, "ZOOM_API_ERROR");
    assert.match(r.error?.message ?? "", /meeting number/);
  });

  test("error envelopes of both route families map to the old codes", () => {
    assert.equal(skillError(404, { ok: false, error: { code: "not_found", message: "m", zoom_code: 3001 } }, null).code, "MEETING_NOT_FOUND");
    assert.equal(skillError(403, { ok: false, error: { code: "permission_denied", message: "m", zoom_code: 200 } }, null).code, "ZOOM_API_200");
    assert.equal(skillError(503, { ok: false, error: "service_not_initialized", message: "m", provider: "zoom" }, null).code, "ZOOM_CONFIG_ERROR");
    assert.equal(skillError(401, { ok: false, error: "token_refresh_failed", message: "m" }, null).code, "ZOOM_AUTH_ERROR");
    const rl = skillError(429, { ok: false, error: { code: "rate_limited", message: "m" } }, "7");
    assert.equal(rl.code, "RATE_LIMITED");
    assert.equal(rl.retryAfter, 7);
    assert.equal(skillError(502, { ok: false, error: { code: "zoom_api_error", message: "m" } }, null).code, "ZOOM_API_ERROR");
  });

  test("long integers are read as strings, never rounded", () => {
    const v = parseJsonLossless('{"id": 12345678901234567890, "small": 85746065, "s": "12345678901234567890 \\" 1", "neg": -12345678901234567}') as Record<string, unknown>;
    assert.equal(v.id, "12345678901234567890");
    assert.equal(v.small, 85746065);
    assert.equal(v.s, '12345678901234567890 " 1');
    assert.equal(v.neg, "-12345678901234567");
  });

  test("skills before configuration answer ZOOM_CONFIG_ERROR", async () => {
    const s = new ZoomSkills({ baseUrl: "http://127.0.0.1:9" });
    const r = await s.getZoomStatus("");
    assert.equal(r.error?.code, "VALIDATION_ERROR");
  });
});
