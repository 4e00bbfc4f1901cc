// @zoom/rivet's client of the peer benchmark (benchmarks/peers.py). Rivet's API base URL can
// be set (`baseUrl`), its OAuth host cannot (https://zoom.us), so its token store is seeded with
// a Server-to-Server token the driver fetched from the emulator (ZOOM_BENCH_TOKEN). Measures the
// same three operations, one call at a time, and prints one JSON object.
import { MeetingsS2SAuthClient } from "@zoom/rivet/meetings";

const cfg = JSON.parse(process.env.ZOOM_BENCH_CONFIG);
const n = Number(process.env.ZOOM_BENCH_CALLS ?? "2000");
const token = {
  accessToken: process.env.ZOOM_BENCH_TOKEN,
  expirationTimeIso: new Date(Date.now() + 3_000_000).toISOString(),
  scopes: [],
};
const client = new MeetingsS2SAuthClient({
  clientId: cfg.client_id,
  clientSecret: cfg.client_secret,
  accountId: cfg.account_id,
  tokenStore: { getLatestToken: () => token, storeToken: () => {} },
  disableReceiver: true,
  baseUrl: cfg.api_base_url,
});
const m = client.endpoints.meetings;

async function measure(count, f) {
  for (let i = 0; i < 5; i++) await f();
  const lat = [];
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const t = process.hrtime.bigint();
    await f();
    lat.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  lat.sort((a, b) => a - b);
  const pick = (q) => lat[Math.round((lat.length - 1) * q)] ?? 0;
  return { n: count, secs, p50_ms: pick(0.5), p99_ms: pick(0.99) };
}

const first = await m.listMeetings({ path: { userId: "me" }, query: { page_size: 1 } });
const id = first.data.meetings[0].id;
const out = {
  get: await measure(n, async () => {
    const r = await m.getMeeting({ path: { meetingId: id } });
    if (r.statusCode !== 200) throw new Error(`get: ${r.statusCode}`);
  }),
  list300: await measure(Math.floor(n / 20), async () => {
    const r = await m.listMeetings({ path: { userId: "me" }, query: { page_size: 300 } });
    if (r.data.meetings.length !== 300) throw new Error("list: not 300");
  }),
  create_delete: await measure(Math.floor(n / 10), async () => {
    const c = await m.createMeeting({ path: { userId: "me" }, body: { topic: "bench", type: 2, start_time: "2031-01-01T10:00:00Z", duration: 30 } });
    await m.deleteMeeting({ path: { meetingId: c.data.id } });
  }),
};
out.peak_rss_kib = process.resourceUsage().maxRSS;
console.log(JSON.stringify(out));
