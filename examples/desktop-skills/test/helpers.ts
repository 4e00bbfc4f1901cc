// The example Flask app (examples/flask_app) as a process on loopback, on the bundled Zoom
// emulator: what the skills and the browser test run against. Real HTTP all the way down.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
export const API_TOKEN = "desktop-test-token-0123456789";

export interface RunningApp {
  appUrl: string;
  emulatorUrl: string;
  stop: () => Promise<void>;
}

export async function startApp(env: Record<string, string> = {}): Promise<RunningApp> {
  const python = process.env.ZOOM_TEST_PYTHON ?? "python3";
  const child: ChildProcess = spawn(python, [path.join(ROOT, "examples/flask_app/app.py"), "--port", "0"], {
    cwd: ROOT,
    env: { ...process.env, APP_API_TOKEN: API_TOKEN, ZOOM_CLIENT_ID: "", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  const found: Record<string, string> = {};
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the example app did not start within 60 s")), 60_000);
    child.once("exit", (code) => reject(new Error(`the example app exited (${code}) before it started`)));
    lines.on("line", (line) => {
      const [k, v] = line.split("=", 2);
      if (k && v) found[k] = v;
      if (found.APP_URL) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    appUrl: found.APP_URL!,
    emulatorUrl: found.EMULATOR_URL!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

function unescape(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** Connect `userId`'s Zoom as a person would: the backend's authorize route, the emulator's
 * consent page (Authorize or Deny), Zoom's redirect to the backend's callback. Returns where
 * the backend sent the browser. */
export async function connect(app: RunningApp, userId: string, decision: "approve" | "deny" = "approve"): Promise<string> {
  const start = await fetch(`${app.appUrl}/api/auth/zoom/authorize`, {
    method: "POST",
    headers: { Authorization: `Bearer ${API_TOKEN}`, "X-User-ID": userId, "Content-Type": "application/json" },
    body: "{}",
  });
  const { authorization_url } = (await start.json()) as { authorization_url: string };
  const page = await (await fetch(authorization_url)).text();
  const form = new URLSearchParams();
  for (const m of page.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) form.append(unescape(m[1]!), unescape(m[2]!));
  form.append("decision", decision);
  const consent = await fetch(`${app.emulatorUrl}/oauth/authorize`, { method: "POST", body: form, redirect: "manual" });
  const callback = consent.headers.get("location");
  if (!callback) throw new Error(`the consent page answered ${consent.status} without a redirect`);
  const back = await fetch(callback, { redirect: "manual" });
  return back.headers.get("location") ?? `(${back.status})`;
}

export async function emulatorFaults(app: RunningApp, faults: Record<string, unknown> | null): Promise<void> {
  await fetch(`${app.emulatorUrl}/_emulator/faults`, faults === null ? { method: "DELETE" } : { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify(faults) });
}
