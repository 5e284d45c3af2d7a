/**
 * The Zoom token's `user_key` says nothing about a person (issue 8): over the real server with Zoom
 * credentials, it is an opaque key per session and participant — the same when someone rejoins,
 * unrelated across appointments and between the two sides, holding no id and no creation time —
 * and the audit row of a Zoom webhook that echoes it still says whom it stood for (R20).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { startSmtp, startWorld, type E2eWorld } from "../helpers/e2e.js";
import { auditRows } from "../helpers/server.js";
import { events } from "../helpers/sse.js";
import {
  addPortalClient, bookTelehealth, call, clientCookie, providerCookie, sessionPage, signedZoomHook, statuses, storeOf, verify, videoToken,
} from "../helpers/video-session.js";

const SECRET = "sdk_secret_video_key_test_0123456789";
const HOOK = "whsec_video_key_test_0123456789";

let w: E2eWorld;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let sdk: Tele;
let dana: { id: string };
let danaCookie: string;

beforeAll(async () => {
  smtp = await startSmtp();
  w = await startWorld({ smtpUrl: smtp.url, serverEnv: { ZOOM_SDK_KEY: "sdk_key_video_key_test", ZOOM_SDK_SECRET: SECRET, ZOOM_WEBHOOK_SECRET: HOOK } });
  sdk = new Tele({ url: w.server.url, token: w.ownerToken });
  await sdk.staff.add({ name: "Tess Therapist", email: "tess@maple.test", roles: ["therapist"] });
  await sdk.staff.enableTeletherapy("tess@maple.test");
  dana = await addPortalClient(w, sdk, smtp, "Dana Client", "dana@client.test");
  danaCookie = await clientCookie(w, "dana@client.test");
}, 60_000);
afterAll(async () => {
  await w?.close();
  await smtp?.close();
});

/** The `user_key` of the video token this browser session gets for an appointment. */
async function keyOf(id: string, cookie: string): Promise<string> {
  const { csrf } = await sessionPage(w, id, cookie);
  return verify((await (await videoToken(w, id, cookie, csrf)).json()).token, SECRET).claims.user_key;
}

describe("the video token's user_key", () => {
  it("is the same on rejoining, unrelated across appointments and sides, and holds no id or time", async () => {
    const [a, b] = [await bookTelehealth(sdk, dana.id), await bookTelehealth(sdk, dana.id, 7)];
    const first = await keyOf(a.id, danaCookie);
    expect(await keyOf(a.id, danaCookie)).toBe(first); // rejoining: Zoom sees the same participant
    const next = await keyOf(b.id, danaCookie);
    const owner = await keyOf(a.id, await providerCookie(w, w.ownerToken, a.id));
    const keys = [first, next, owner];
    for (const k of keys) expect(k).toMatch(/^[0-9a-f]{36}$/); // within Zoom's 36 characters
    expect(new Set(keys).size).toBe(3);
    // Unrelated, not a shared prefix and a counter: one client's keys for two appointments differ from the start.
    expect(first.slice(0, 8)).not.toBe(next.slice(0, 8));
    const ownerId = (await sdk.staff.list()).items.find((s) => s.roles.includes("owner"))!.id;
    // Ids are a prefix, 8 characters of creation time, then randomness: neither the id nor its time part shows.
    for (const id of [dana.id, ownerId, a.id, b.id]) for (const part of [id, id.slice(4, 12)]) expect(keys.join(" ")).not.toContain(part);
  });

  it("a Zoom webhook echoing it is audited with the participant it stands for; a key from elsewhere names nobody", async () => {
    const [a, b] = [await bookTelehealth(sdk, dana.id), await bookTelehealth(sdk, dana.id, 8)];
    const client = await keyOf(a.id, danaCookie);
    const owner = await keyOf(a.id, await providerCookie(w, w.ownerToken, a.id));
    const otherAppointment = await keyOf(b.id, danaCookie);
    const live = events(await call(w, `/p/${w.slug}/appointments/${a.id}/session/events`, { cookie: danaCookie }));
    await live.next((e) => e.state === "waiting"); // the session record webhooks are matched to
    const { sessionName } = await (await videoToken(w, a.id, danaCookie, (await sessionPage(w, a.id, danaCookie)).csrf)).json();
    for (const [i, key] of [client, owner, otherAppointment].entries()) {
      const user = { id: String(i + 1), name: "Zoom's display name", join_time: new Date().toISOString(), user_key: key };
      const res = await signedZoomHook(w, HOOK, "session.user_joined", { session_name: sessionName, start_time: new Date().toISOString(), user });
      expect(res.status).toBe(200);
    }
    const ownerId = (await sdk.staff.list()).items.find((s) => s.roles.includes("owner"))!.id;
    const joined = auditRows(storeOf(w), "session.video.user_joined").filter((r) => r.record_id === a.id).map((r) => JSON.parse(r.details!));
    expect(joined.map((d) => [d.userKey, d.participant])).toEqual([
      [client, { type: "client", id: dana.id }], [owner, { type: "staff", id: ownerId }], [otherAppointment, null],
    ]);
    await live.cancel();
  });

  it("never answered 500", () => {
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });
});
