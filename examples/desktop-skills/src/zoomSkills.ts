/**
 * Zoom skills for the desktop app. They call the backend's Zoom routes (the Flask blueprints
 * of zoom_sdk), never Zoom: tokens stay on the server. Every skill answers a
 * `ZoomSkillResponse<T>` and never throws.
 *
 * ```ts
 * import { configureZoomSkills, listZoomMeetings } from "./zoomSkills.js";
 * configureZoomSkills({ baseUrl: "https://backend.example.com", apiToken: session.token });
 * const r = await listZoomMeetings("user-42", { type: "upcoming" });
 * if (r.ok) for (const m of r.data.meetings) console.log(m.id, m.topic);
 * else console.warn(r.error.code, r.error.message);
 * ```
 */
import { parseJsonLossless } from "./json.js";

/** A Zoom meeting number, as decimal digits (never a lossy JavaScript number). */
export type MeetingId = string;

export type ZoomErrorCode =
  | "ZOOM_AUTH_ERROR"
  | "VALIDATION_ERROR"
  | "MEETING_NOT_FOUND"
  | "ZOOM_API_ERROR"
  | "ZOOM_CONFIG_ERROR"
  | "NETWORK_ERROR"
  | "RATE_LIMITED"
  | "CANCELLED"
  | `ZOOM_API_${number}`;

export interface ZoomSkillError {
  code: ZoomErrorCode;
  message: string;
  /** Seconds to wait before trying again (RATE_LIMITED). */
  retryAfter?: number;
  details?: Record<string, unknown>;
}

export type ZoomSkillResponse<T> =
  | { ok: true; data: T; error?: undefined }
  | { ok: false; data?: undefined; error: ZoomSkillError };

export interface ZoomSkillsConfig {
  /** The backend, e.g. `https://backend.example.com`. */
  baseUrl: string;
  /** The desktop app's credential for the backend (sent as `Authorization: Bearer`). */
  apiToken?: string;
  /** Per request, milliseconds (default 15000). */
  timeoutMs?: number;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
}

export interface CallOptions {
  /** Cancels the request; the skill answers `CANCELLED`. */
  signal?: AbortSignal;
}

export interface ZoomMeeting {
  id: MeetingId;
  uuid?: string;
  topic: string;
  type?: number;
  start_time?: string;
  duration?: number;
  timezone?: string;
  agenda?: string;
  join_url?: string;
  start_url?: string;
  password?: string;
  host_id?: string;
}

export interface ZoomMeetingList {
  meetings: ZoomMeeting[];
  nextPageToken?: string;
  totalRecords?: number;
}

export interface ZoomRecordingFile {
  id?: string;
  file_type?: string;
  file_extension?: string;
  file_size?: number;
  recording_type?: string;
  recording_start?: string;
  recording_end?: string;
  play_url?: string;
}

export interface ZoomRecording {
  uuid: string;
  id: MeetingId;
  topic: string;
  start_time?: string;
  duration?: number;
  share_url?: string;
  recording_files: ZoomRecordingFile[];
}

export interface ZoomUserProfile {
  id: string;
  email: string;
  first_name?: string;
  last_name?: string;
  display_name?: string;
  type?: number;
  timezone?: string;
  account_id?: string;
}

export interface ZoomSearchHit {
  kind: string;
  id: string;
  meeting_id?: MeetingId;
  topic: string;
  start_time?: string;
  join_url?: string;
  has_recording: boolean;
  score: number;
}

export interface ZoomSearchResult {
  hits: ZoomSearchHit[];
  nextPageToken?: string;
}

export interface ZoomStatus {
  state: string;
  connected: boolean;
  email?: string;
  scopes: string[];
  connectUrl?: string;
  lastSync?: Record<string, unknown>;
  syncPending: boolean;
}

export interface ListMeetingsOptions extends CallOptions {
  type?: "scheduled" | "live" | "upcoming" | "upcoming_meetings" | "previous_meetings";
  page_size?: number;
  next_page_token?: string;
  from_date?: string;
  to_date?: string;
}

export interface CreateMeetingData {
  topic: string;
  type?: number;
  start_time?: string;
  duration?: number;
  timezone?: string;
  agenda?: string;
  password?: string;
  settings?: Record<string, unknown>;
}

export interface ScheduleMeetingData {
  topic: string;
  /** An instant (`Date`, or ISO with an offset), or a wall-clock time in `timezone`. */
  startTime: Date | string;
  /** IANA zone, e.g. `Europe/Paris`. */
  timezone: string;
  /** Minutes, 1 to 1440. */
  duration: number;
  agenda?: string;
  password?: string;
}

export interface RecordingRange extends CallOptions {
  from?: Date | string;
  to?: Date | string;
}

// ------------------------------------------------------------------ validation

class Invalid extends Error {}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function obj(v: unknown, what: string): Json {
  if (!isObject(v)) throw new Invalid(`${what} is not an object`);
  return v;
}

function str(v: unknown, what: string): string {
  if (typeof v !== "string") throw new Invalid(`${what} is not a string`);
  return v;
}

function optStr(v: unknown, what: string): string | undefined {
  return v === undefined || v === null ? undefined : str(v, what);
}

function optNum(v: unknown, what: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Invalid(`${what} is not a number`);
  return v;
}

/** A meeting id from JSON: digits as a string, or a safe integer. */
export function meetingId(v: unknown, what = "meeting id"): MeetingId {
  if (typeof v === "string" && /^[0-9]{1,20}$/.test(v)) return v;
  if (typeof v === "number" && Number.isSafeInteger(v) && v > 0) return String(v);
  if (typeof v === "bigint" && v > 0n) return v.toString();
  throw new Invalid(`${what} is not a meeting number`);
}

function pick<T extends object>(o: Json, fields: Record<keyof T & string, "s" | "n">, what: string): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, t] of Object.entries(fields)) {
    const v = t === "s" ? optStr(o[k], `${what}.${k}`) : optNum(o[k], `${what}.${k}`);
    if (v !== undefined) out[k] = v;
  }
  return out as Partial<T>;
}

function asMeeting(v: unknown): ZoomMeeting {
  const o = obj(v, "meeting");
  return {
    ...pick<ZoomMeeting>(o, { uuid: "s", type: "n", start_time: "s", duration: "n", timezone: "s", agenda: "s", join_url: "s", start_url: "s", password: "s", host_id: "s" } as Record<keyof ZoomMeeting & string, "s" | "n">, "meeting"),
    id: meetingId(o.id),
    topic: str(o.topic, "meeting.topic"),
  };
}

function asRecording(v: unknown): ZoomRecording {
  const o = obj(v, "recording");
  const files = Array.isArray(o.recording_files) ? o.recording_files : [];
  return {
    ...pick<ZoomRecording>(o, { start_time: "s", duration: "n", share_url: "s" } as Record<keyof ZoomRecording & string, "s" | "n">, "recording"),
    uuid: str(o.uuid, "recording.uuid"),
    id: meetingId(o.id),
    topic: str(o.topic, "recording.topic"),
    recording_files: files.map((f) =>
      pick<ZoomRecordingFile>(obj(f, "recording file"), { id: "s", file_type: "s", file_extension: "s", file_size: "n", recording_type: "s", recording_start: "s", recording_end: "s", play_url: "s" } as Record<keyof ZoomRecordingFile & string, "s" | "n">, "recording file"),
    ),
  };
}

function asUser(v: unknown): ZoomUserProfile {
  const o = obj(v, "user");
  return {
    ...pick<ZoomUserProfile>(o, { first_name: "s", last_name: "s", display_name: "s", type: "n", timezone: "s", account_id: "s" } as Record<keyof ZoomUserProfile & string, "s" | "n">, "user"),
    id: str(o.id, "user.id"),
    email: str(o.email, "user.email"),
  };
}

function asHit(v: unknown): ZoomSearchHit {
  const o = obj(v, "hit");
  const hit: ZoomSearchHit = {
    kind: str(o.kind, "hit.kind"),
    id: str(o.id, "hit.id"),
    topic: str(o.topic, "hit.topic"),
    has_recording: o.has_recording === true,
    score: optNum(o.score, "hit.score") ?? 0,
  };
  if (o.meeting_id !== undefined && o.meeting_id !== null) hit.meeting_id = meetingId(o.meeting_id, "hit.meeting_id");
  const start = optStr(o.start_time, "hit.start_time");
  if (start !== undefined) hit.start_time = start;
  const join = optStr(o.join_url, "hit.join_url");
  if (join !== undefined) hit.join_url = join;
  return hit;
}

function list<T>(v: unknown, what: string, each: (x: unknown) => T): T[] {
  if (!Array.isArray(v)) throw new Invalid(`${what} is not a list`);
  return v.map(each);
}

function day(v: Date | string | undefined, what: string): string | undefined {
  if (v === undefined) return undefined;
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new Invalid(`${what} is not a valid date`);
    return v.toISOString().slice(0, 10);
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new Invalid(`${what} must be YYYY-MM-DD`);
  return v;
}

function checkDuration(d: unknown, required: boolean): void {
  if (d === undefined && !required) return;
  if (typeof d !== "number" || !Number.isInteger(d) || d < 1 || d > 1440) {
    throw new Invalid("duration must be a whole number of minutes from 1 to 1440");
  }
}

function checkTopic(t: unknown): void {
  if (typeof t !== "string" || !t.trim()) throw new Invalid("topic is required");
  if (t.length > 200) throw new Invalid("topic is at most 200 characters");
}

// ------------------------------------------------------------------ transport

const AUTH_CODES = new Set([
  "unauthenticated",
  "not_connected",
  "reauthorization_required",
  "zoom_auth_error",
  "oauth_error",
  "invalid_state",
  "token_refresh_failed",
  "token_exchange_failed",
  "user_mismatch",
]);

/** The backend's error (either envelope) as a skill error. */
export function skillError(status: number, body: unknown, retryAfterHeader: string | null): ZoomSkillError {
  const o = isObject(body) ? body : {};
  const e = isObject(o.error) ? o.error : { code: o.error, message: o.message, ...o };
  const code = typeof e.code === "string" ? e.code : "";
  const message = typeof e.message === "string" && e.message ? e.message : `the backend answered ${status}`;
  const zoomCode = typeof e.zoom_code === "number" ? e.zoom_code : undefined;
  const details: Record<string, unknown> = { status, backendCode: code };
  if (zoomCode !== undefined) details.zoomCode = zoomCode;
  if (typeof e.connect_url === "string") details.connectUrl = e.connect_url;
  if (typeof e.field === "string") details.field = e.field;
  if (code === "rate_limited" || status === 429) {
    const fromBody = typeof e.retry_after === "number" ? e.retry_after : undefined;
    const fromHeader = retryAfterHeader !== null && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) : undefined;
    const err: ZoomSkillError = {
      code: "RATE_LIMITED",
      message: `${message} — try again in ${Math.ceil(fromBody ?? fromHeader ?? 1)} s`,
      details,
    };
    const wait = fromBody ?? fromHeader;
    if (wait !== undefined) err.retryAfter = wait;
    return err;
  }
  if (AUTH_CODES.has(code) || status === 401) {
    const hint = code === "not_connected" || code === "reauthorization_required" ? " — connect Zoom in the app's settings" : "";
    return { code: "ZOOM_AUTH_ERROR", message: message + hint, details };
  }
  if (code === "validation_error" || code === "invalid_json") return { code: "VALIDATION_ERROR", message, details };
  if (code === "not_found" && (zoomCode === 3001 || zoomCode === undefined)) return { code: "MEETING_NOT_FOUND", message, details };
  if (code === "service_not_initialized") return { code: "ZOOM_CONFIG_ERROR", message, details };
  if (code === "network_error" || code === "timeout") return { code: "NETWORK_ERROR", message: `the backend could not reach Zoom: ${message}`, details };
  if (zoomCode !== undefined) return { code: `ZOOM_API_${zoomCode}`, message, details };
  return { code: "ZOOM_API_ERROR", message, details };
}

/** Aborted when either is (AbortSignal.any, which Node 18 lacks). */
function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  const ctl = new AbortController();
  for (const s of [a, b]) {
    if (s.aborted) {
      ctl.abort(s.reason);
      break;
    }
    s.addEventListener("abort", () => ctl.abort(s.reason), { once: true });
  }
  return ctl.signal;
}

export class ZoomSkills {
  private readonly base: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(config: ZoomSkillsConfig) {
    this.base = config.baseUrl.replace(/\/+$/, "");
    this.token = config.apiToken;
    this.timeoutMs = config.timeoutMs ?? 15_000;
    this.fetchImpl = config.fetch ?? fetch;
  }

  /** POST (or GET) a backend route for `userId`; the parsed body, or a skill error. */
  private async request(
    userId: string,
    method: "GET" | "POST",
    path: string,
    body: Json | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ ok: true; body: Json } | { ok: false; error: ZoomSkillError }> {
    if (typeof userId !== "string" || !userId.trim()) {
      return { ok: false, error: { code: "VALIDATION_ERROR", message: "userId is required" } };
    }
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const both = signal ? anySignal(signal, timeout) : timeout;
    const headers: Record<string, string> = { Accept: "application/json", "X-User-ID": userId };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const init: RequestInit = { method, headers, signal: both };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify({ ...body, user_id: userId });
    }
    let resp: Response;
    let text: string;
    try {
      resp = await this.fetchImpl(this.base + path, init);
      text = await resp.text();
    } catch (e) {
      if (signal?.aborted) return { ok: false, error: { code: "CANCELLED", message: "the request was cancelled" } };
      if (timeout.aborted) {
        return { ok: false, error: { code: "NETWORK_ERROR", message: `the backend did not answer within ${this.timeoutMs} ms`, details: { timeout: true } } };
      }
      const cause = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
      return { ok: false, error: { code: "NETWORK_ERROR", message: `the backend at ${this.base} could not be reached (${cause})` } };
    }
    let parsed: unknown;
    try {
      parsed = text ? parseJsonLossless(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!isObject(parsed)) {
      return { ok: false, error: { code: "ZOOM_API_ERROR", message: `the backend answered ${resp.status} without a JSON body`, details: { status: resp.status } } };
    }
    if (parsed.ok !== true || resp.status >= 400) {
      return { ok: false, error: skillError(resp.status, parsed, resp.headers.get("Retry-After")) };
    }
    return { ok: true, body: parsed };
  }

  private async run<T>(
    userId: string,
    method: "GET" | "POST",
    path: string,
    body: Json | undefined,
    signal: AbortSignal | undefined,
    shape: (data: unknown) => T,
  ): Promise<ZoomSkillResponse<T>> {
    const r = await this.request(userId, method, path, body, signal);
    if (!r.ok) return r;
    try {
      return { ok: true, data: shape(r.body.data) };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return { ok: false, error: { code: "ZOOM_API_ERROR", message: `unexpected answer from ${path}: ${message}` } };
    }
  }

  private static invalid<T>(e: unknown): ZoomSkillResponse<T> {
    if (e instanceof Invalid) return { ok: false, error: { code: "VALIDATION_ERROR", message: e.message } };
    throw e;
  }

  /** The user's meetings (`upcoming`, 30 per page, unless told otherwise). */
  listZoomMeetings(userId: string, options: ListMeetingsOptions = {}): Promise<ZoomSkillResponse<ZoomMeetingList>> {
    const { signal, ...q } = options;
    const body: Json = { type: q.type ?? "upcoming", page_size: q.page_size ?? 30 };
    if (q.next_page_token) body.next_page_token = q.next_page_token;
    if (q.from_date) body.from_date = q.from_date;
    if (q.to_date) body.to_date = q.to_date;
    return this.run(userId, "POST", "/api/integrations/zoom/meetings/list", body, signal, (d) => {
      const o = obj(d, "data");
      const out: ZoomMeetingList = { meetings: list(o.meetings, "meetings", asMeeting) };
      const next = optStr(o.next_page_token, "next_page_token");
      if (next) out.nextPageToken = next;
      const total = optNum(o.total_records, "total_records");
      if (total !== undefined) out.totalRecords = total;
      return out;
    });
  }

  /** Create a meeting from Zoom's fields. */
  async createZoomMeeting(userId: string, meetingData: CreateMeetingData, options: CallOptions = {}): Promise<ZoomSkillResponse<ZoomMeeting>> {
    try {
      obj(meetingData, "meetingData");
      checkTopic(meetingData.topic);
      checkDuration(meetingData.duration, false);
      if (meetingData.start_time !== undefined && Number.isNaN(Date.parse(meetingData.start_time))) {
        throw new Invalid("start_time must be an ISO 8601 time");
      }
    } catch (e) {
      return ZoomSkills.invalid(e);
    }
    return this.run(userId, "POST", "/api/integrations/zoom/meetings/create", { meeting: { ...meetingData } }, options.signal, asMeeting);
  }

  /** Schedule a meeting at a time in a time zone; checked here and again by the SDK. */
  async scheduleZoomMeeting(userId: string, scheduleData: ScheduleMeetingData, options: CallOptions = {}): Promise<ZoomSkillResponse<ZoomMeeting>> {
    let start: string;
    try {
      obj(scheduleData, "scheduleData");
      checkTopic(scheduleData.topic);
      checkDuration(scheduleData.duration, true);
      if (typeof scheduleData.timezone !== "string" || !scheduleData.timezone) throw new Invalid("timezone is required (an IANA name such as Europe/Paris)");
      const s = scheduleData.startTime;
      if (s instanceof Date) {
        if (Number.isNaN(s.getTime())) throw new Invalid("startTime is not a valid date");
        if (s.getTime() <= Date.now()) throw new Invalid("startTime is in the past");
        start = s.toISOString();
      } else if (typeof s === "string" && !Number.isNaN(Date.parse(s))) {
        start = s;
      } else {
        throw new Invalid("startTime must be a Date or an ISO 8601 time");
      }
    } catch (e) {
      return ZoomSkills.invalid(e);
    }
    const meeting: Json = { topic: scheduleData.topic, start_time: start, timezone: scheduleData.timezone, duration: scheduleData.duration };
    if (scheduleData.agenda !== undefined) meeting.agenda = scheduleData.agenda;
    if (scheduleData.password !== undefined) meeting.password = scheduleData.password;
    return this.run(userId, "POST", "/api/integrations/zoom/meetings/schedule", { meeting }, options.signal, asMeeting);
  }

  /** One meeting; `MEETING_NOT_FOUND` when Zoom has no such meeting. */
  async getZoomMeeting(userId: string, id: MeetingId | bigint | number, options: CallOptions = {}): Promise<ZoomSkillResponse<ZoomMeeting>> {
    let mid: MeetingId;
    try {
      mid = meetingId(id);
    } catch (e) {
      return ZoomSkills.invalid(e);
    }
    return this.run(userId, "POST", "/api/integrations/zoom/meetings/info", { meeting_id: mid }, options.signal, asMeeting);
  }

  /** The user's cloud recordings over a range (default: the last 30 days). */
  async getZoomRecordings(userId: string, range: RecordingRange = {}): Promise<ZoomSkillResponse<ZoomRecording[]>> {
    const body: Json = {};
    try {
      const from = day(range.from, "from");
      const to = day(range.to, "to");
      if (from) body.from_date = from;
      if (to) body.to_date = to;
      if (from && to && from > to) throw new Invalid("from must not be after to");
    } catch (e) {
      return ZoomSkills.invalid(e);
    }
    return this.run(userId, "POST", "/api/integrations/zoom/recordings/list", body, range.signal, (d) => list(obj(d, "data").meetings, "meetings", asRecording));
  }

  /** The user's Zoom profile. */
  getZoomUserProfile(userId: string, options: CallOptions = {}): Promise<ZoomSkillResponse<ZoomUserProfile>> {
    return this.run(userId, "POST", "/api/integrations/zoom/users/profile", {}, options.signal, asUser);
  }

  /** Ranked search over the user's synced meetings, webinars and recordings. */
  async searchZoom(userId: string, query: string, options: CallOptions & { pageSize?: number; nextPageToken?: string } = {}): Promise<ZoomSkillResponse<ZoomSearchResult>> {
    if (typeof query !== "string") return { ok: false, error: { code: "VALIDATION_ERROR", message: "query must be a string" } };
    const body: Json = { query };
    if (options.pageSize !== undefined) body.page_size = options.pageSize;
    if (options.nextPageToken) body.next_page_token = options.nextPageToken;
    return this.run(userId, "POST", "/api/integrations/zoom/search", body, options.signal, (d) => {
      const o = obj(d, "data");
      const out: ZoomSearchResult = { hits: list(o.hits, "hits", asHit) };
      const next = optStr(o.next_page_token, "next_page_token");
      if (next) out.nextPageToken = next;
      return out;
    });
  }

  /** Whether the user has connected Zoom, with what scopes, and the last sync. */
  getZoomStatus(userId: string, options: CallOptions = {}): Promise<ZoomSkillResponse<ZoomStatus>> {
    return this.run(userId, "POST", "/api/integrations/zoom/status", {}, options.signal, (d) => {
      const o = obj(d, "data");
      const state = str(o.state, "state");
      const out: ZoomStatus = {
        state,
        connected: state === "connected",
        scopes: list(o.scopes ?? [], "scopes", (s) => str(s, "scope")),
        syncPending: o.sync_pending === true,
      };
      const email = optStr(o.email, "email");
      if (email) out.email = email;
      const url = optStr(o.connect_url, "connect_url");
      if (url) out.connectUrl = url;
      if (isObject(o.last_sync)) out.lastSync = o.last_sync;
      return out;
    });
  }
}

// ------------------------------------------------------------------ the module-level skills

let defaultSkills: ZoomSkills | undefined;

/** Configure the module-level skill functions. */
export function configureZoomSkills(config: ZoomSkillsConfig): ZoomSkills {
  defaultSkills = new ZoomSkills(config);
  return defaultSkills;
}

function skills(): ZoomSkills | ZoomSkillError {
  return defaultSkills ?? { code: "ZOOM_CONFIG_ERROR", message: "call configureZoomSkills({ baseUrl }) first" };
}

function withSkills<T>(f: (s: ZoomSkills) => Promise<ZoomSkillResponse<T>>): Promise<ZoomSkillResponse<T>> {
  const s = skills();
  return s instanceof ZoomSkills ? f(s) : Promise.resolve({ ok: false, error: s });
}

export const listZoomMeetings = (userId: string, options?: ListMeetingsOptions) => withSkills((s) => s.listZoomMeetings(userId, options));
export const createZoomMeeting = (userId: string, meetingData: CreateMeetingData, options?: CallOptions) => withSkills((s) => s.createZoomMeeting(userId, meetingData, options));
export const scheduleZoomMeeting = (userId: string, scheduleData: ScheduleMeetingData, options?: CallOptions) => withSkills((s) => s.scheduleZoomMeeting(userId, scheduleData, options));
export const getZoomMeeting = (userId: string, id: MeetingId | bigint | number, options?: CallOptions) => withSkills((s) => s.getZoomMeeting(userId, id, options));
export const getZoomRecordings = (userId: string, range?: RecordingRange) => withSkills((s) => s.getZoomRecordings(userId, range));
export const getZoomUserProfile = (userId: string, options?: CallOptions) => withSkills((s) => s.getZoomUserProfile(userId, options));
export const searchZoom = (userId: string, query: string, options?: CallOptions & { pageSize?: number; nextPageToken?: string }) => withSkills((s) => s.searchZoom(userId, query, options));
export const getZoomStatus = (userId: string, options?: CallOptions) => withSkills((s) => s.getZoomStatus(userId, options));
