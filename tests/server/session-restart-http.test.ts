/**
 * The real server (startServer) with Zoom webhooks on: a restart during a live session completes
 * nothing and presence comes back when the pages reconnect; then a signed `session.ended` webhook
 * completes the session, and a repeated or late delivery changes nothing.
 */
import { createHmac } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { readServerConfig } from "../../src/server/config.js";
import { startServer, type RunningServer } from "../../src/server/main.js";
import { zoomVideoProvider } from "../../src/server/video/zoom.js";
import { tele, tempDir } from "../helpers/e2e.js";
import { events } from "../helpers/sse.js";

const SECRET = "whsec_restart_test_0123456789";
let dataDir: string;
let server: RunningServer;
let token: string;
let slug: string;

const start = () => startServer(readServerConfig({ port: 0, dataDir }, { TELE_VIDEO: "zoom", ZOOM_WEBHOOK_SECRET: SECRET, TELE_SESSION_SWEEP_MS: "100" }), { logger: false });
const sdk = () => new Tele({ url: server.url, token });

beforeAll(async () => {
  dataDir = tempDir();
  const init = await tele(["init", "--practice", "Birch Therapy", "--state", "NY", "--timezone", "America/New_York",
    "--owner-name", "Olive Owner", "--owner-email", "owner@birch.test", "--data-dir", dataDir, "--json"], { TELE_CONFIG_DIR: join(dataDir, "config") });
  expect(init.code, init.stderr).toBe(0);
  ({ token, practice: { slug } } = init.json());
  server = await start();
}, 30_000);
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The owner's browser session through `tele sessions open`'s link. */
async function ownerCookie(appointmentId: string): Promise<string> {
  const link = new URL((await sdk().appointments.signInLink(appointmentId)).url);
  const res = await fetch(server.url + link.pathname + link.search, { redirect: "manual" });
  expect(res.status).toBe(303);
  return res.headers.getSetCookie().find((c) => c.startsWith("tele_session="))!.split(";")[0]!;
}

const stream = async (id: string, cookie: string) => {
  const res = await fetch(`${server.url}/p/${slug}/appointments/${id}/session/events`, { headers: { cookie } });
  expect(res.status).toBe(200);
  return events(res);
};

function zoomDelivery(event: string, sessionName: string, object: Record<string, unknown>) {
  const body = JSON.stringify({ event, event_ts: Date.now(), payload: { account_id: "acct_1", object: { id: "z1", session_id: "sess/ABC==", session_name: sessionName, ...object } } });
  const ts = Math.floor(Date.now() / 1000);
  const sig = `v0=${createHmac("sha256", SECRET).update(`v0:${ts}:${body}`).digest("hex")}`;
  return fetch(`${server.url}/webhooks/zoom`, {
    method: "POST", body, headers: { "content-type": "application/json", "x-zm-request-timestamp": String(ts), "x-zm-signature": sig },
  });
}

describe("restart and Zoom webhooks (R18)", () => {
  it("a restart mid-session completes nothing and the reconnected page is present again; Zoom's ended completes it once", async () => {
    await sdk().staff.add({ name: "Tess Therapist", email: "tess@birch.test", roles: ["therapist"] });
    await sdk().staff.enableTeletherapy("tess@birch.test");
    const client = await sdk().clients.add({ name: "Dana Client", email: "dana@client.test", state: "NJ" });
    const appt = await sdk().appointments.create({
      therapist: "tess@birch.test", client: client.id, start: new Date(Date.now() + 5 * 60_000).toISOString(), durationMinutes: 50, allowOverlap: true, telehealth: true,
    });
    const cookie = await ownerCookie(appt.id);
    const before = await stream(appt.id, cookie);
    expect(await before.next(() => true)).toEqual({ state: "waiting", present: { provider: true, client: false } });

    await server.close();
    expect(await before.closed()).toBe(true);
    server = await start();
    expect((await sdk().appointments.get(appt.id))).toMatchObject({ status: "scheduled", session: { state: "waiting" } });
    await new Promise((ok) => setTimeout(ok, 300)); // a few sweeps: nothing completes
    expect((await sdk().appointments.get(appt.id)).status).toBe("scheduled");
    const after = await stream(appt.id, cookie); // the browser's EventSource reconnects by itself
    expect(await after.next(() => true)).toMatchObject({ state: "waiting", present: { provider: true } });

    const name = zoomVideoProvider({}).sessionName(appt.id, SECRET);
    expect((await zoomDelivery("session.user_joined", name, { user: { id: "1", name: "Dana", join_time: new Date().toISOString(), user_key: client.id } })).status).toBe(200);
    expect((await sdk().appointments.get(appt.id)).session!.state).toBe("waiting");
    const endedBody = { start_time: new Date(Date.now() - 60_000).toISOString(), end_time: new Date().toISOString() };
    expect((await zoomDelivery("session.ended", name, endedBody)).status).toBe(200);
    expect(await after.next((e) => e.state === "completed")).toMatchObject({ present: { provider: false, client: false } });
    expect(await after.closed()).toBe(true);
    const done = await sdk().appointments.get(appt.id);
    expect(done).toMatchObject({ status: "completed", session: { state: "completed" } });
    expect((await zoomDelivery("session.ended", name, endedBody)).status).toBe(200);
    expect((await zoomDelivery("session.started", name, { start_time: new Date().toISOString() })).status).toBe(200);
    expect(await sdk().appointments.get(appt.id)).toEqual(done);
  }, 60_000);
});
