/**
 * Several server processes on one database (issue 13): two real `tele server start` processes on one
 * data dir (one SQLite file in WAL mode), with short heartbeat settings so a lost process is noticed
 * in seconds (TELE_HEARTBEAT_MS=500, TELE_PROCESS_DEAD_MS=2000; the defaults are 5 s and 20 s):
 * - a client's stream on A and the provider's on B see each other's presence without reload, and the
 *   provider's session page on B says who is here from the client's stream on A;
 * - built-in video signals cross between the processes (posted to either one), current to current only;
 * - one Idempotency-Key sent to both at once makes one client; a list's cursor from one is good on the other;
 * - the session sweep of both processes completes each overdue session exactly once;
 * - `kill -9` of B: its provider stream stops counting within 30 s, A keeps serving, and the provider
 *   reconnecting to A is present again.
 */
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tele } from "../../src/sdk/index.js";
import { databaseEnv, exited, startSmtp, startTele, tele, tempDir, type E2eWorld } from "../helpers/e2e.js";
import { PG_STORE } from "../helpers/pg-store.js";
import { events } from "../helpers/sse.js";
import { addPortalClient, answerLocation, clientCookie, providerCookie, sessionPage } from "../helpers/video-session.js";

type Proc = { child: ChildProcess; url: string; world: E2eWorld };

// With TELE_TEST_STORE=postgres both processes share one PostgreSQL database (the bus is LISTEN/NOTIFY there).
describe(PG_STORE ? "two server processes on one PostgreSQL database" : "two server processes on one data dir", () => {
  let dir: string;
  let database: Record<string, string> = {};
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let a: Proc;
  let b: Proc;
  let token: string;
  let slug: string;
  const children: ChildProcess[] = [];
  const env = () => ({
    TELE_CONFIG_DIR: join(dir, "config"), TELE_LOG_LEVEL: "warn", TELE_SMTP_URL: smtp.url,
    TELE_HEARTBEAT_MS: "500", TELE_PROCESS_DEAD_MS: "2000", TELE_BUS_POLL_MS: "100",
    TELE_SESSION_SWEEP_MS: "100", TELE_SESSION_GRACE_MS: "4000", ...database,
  });
  const start = async (): Promise<Proc> => {
    const s = await startTele(["server", "start", "--data-dir", join(dir, "data"), "--port", "0", "--json"], env());
    children.push(s.child);
    const url = JSON.parse(s.firstLine).url as string;
    // The video-session helpers take a world; only its URL and slug are read.
    return { child: s.child, url, world: { server: { url }, slug } as unknown as E2eWorld };
  };
  const sdk = (p: Proc) => new Tele({ url: p.url, token });
  const stream = async (p: Proc, id: string, cookie: string) => {
    const controller = new AbortController();
    const res = await fetch(`${p.url}/p/${slug}/appointments/${id}/session/events`, { headers: { cookie }, signal: controller.signal });
    expect(res.status).toBe(200);
    return { ...events(res), close: () => controller.abort() };
  };
  const signal = (p: Proc, id: string, cookie: string, csrf: string, body: unknown) =>
    fetch(`${p.url}/p/${slug}/appointments/${id}/session/signal`, {
      method: "POST", headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json" }, body: JSON.stringify(body),
    });
  const book = async (startInMinutes: number, durationMinutes = 50) => (await sdk(a).appointments.create({
    therapist: "tess@maple.test", client: "dana@client.test", start: new Date(Date.now() + startInMinutes * 60_000).toISOString(),
    durationMinutes, allowPast: true, allowOverlap: true, telehealth: true,
  })).id;

  beforeAll(async () => {
    dir = tempDir();
    smtp = await startSmtp();
    database = databaseEnv();
    const init = await tele(["init", "--practice", "Maple Therapy", "--state", "NY", "--timezone", "America/New_York",
      "--owner-name", "Olive Owner", "--owner-email", "owner@maple.test", "--data-dir", join(dir, "data"), "--json"], { TELE_CONFIG_DIR: join(dir, "config"), ...database });
    expect(init.code, init.stderr).toBe(0);
    ({ token, practice: { slug } } = init.json<{ token: string; practice: { slug: string } }>());
    [a, b] = [await start(), await start()];
    expect(a.url).not.toBe(b.url);
    await sdk(a).staff.add({ name: "Tess Therapist", email: "tess@maple.test", roles: ["therapist"] });
    await sdk(b).staff.enableTeletherapy("tess@maple.test");
    await addPortalClient(a.world, sdk(a), smtp, "Dana Client", "dana@client.test");
  }, 60_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    await smtp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a client's stream on A and the provider's on B see each other without reload, and signals cross between them", async () => {
    const id = await book(5);
    const client = await clientCookie(a.world, "dana@client.test");
    const { csrf: clientCsrf } = await sessionPage(a.world, id, client); // answers where Dana is (R27) on A
    const danaOnA = await stream(a, id, client);
    expect(await danaOnA.next(() => true)).toEqual({ state: "waiting", present: { provider: false, client: true }, locationAt: expect.any(String) });

    const provider = await providerCookie(b.world, token, id);
    const page = await sessionPage(b.world, id, provider);
    // Who is here, on B, comes from Dana's stream on A.
    expect(page.body).toMatch(/data-side="client" data-here="yes"/);
    const tessOnB = await stream(b, id, provider);
    const live = await tessOnB.next((e) => e.state === "live");
    expect(live.present).toEqual({ provider: true, client: true });
    // Dana's page on A hears that Tess arrived on B, without reload.
    expect(await danaOnA.next((e) => e.state === "live")).toEqual(live);

    // Each side's current stream learns the other's id, across the processes.
    const danaIds = await danaOnA.nextRtc((e) => e.type === "peer" && e.peer !== null);
    const tessIds = await tessOnB.nextRtc((e) => e.type === "peer" && e.peer !== null);
    expect(danaIds).toEqual({ type: "peer", you: tessIds.peer, peer: tessIds.you });

    // Tess's signal, posted to B (which holds her stream), reaches Dana's stream on A; Dana's, posted to A, reaches B.
    const offer = { type: "description", description: { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" } };
    expect((await signal(b, id, provider, page.csrf!, { from: tessIds.you, to: tessIds.peer, msg: offer })).status).toBe(204);
    expect(await danaOnA.nextRtc((e) => e.type === "signal")).toEqual({ type: "signal", from: tessIds.you, msg: offer });
    expect((await signal(a, id, client, clientCsrf!, { from: danaIds.you, to: danaIds.peer, msg: { type: "hello" } })).status).toBe(204);
    expect(await tessOnB.nextRtc((e) => e.type === "signal")).toEqual({ type: "signal", from: danaIds.you, msg: { type: "hello" } });
    // Behind a load balancer a page's POST may land on the other process: Tess's signal posted to A still reaches Dana.
    expect((await signal(a, id, provider, page.csrf!, { from: tessIds.you, to: tessIds.peer, msg: { type: "restart" } })).status).toBe(204);
    expect(await danaOnA.nextRtc((e) => e.type === "signal")).toEqual({ type: "signal", from: tessIds.you, msg: { type: "restart" } });

    // A second tab of Tess on A becomes her current stream: Dana hears the new id, and the old one is stale.
    const tessOnA = await stream(a, id, provider);
    const tabIds = await tessOnA.nextRtc((e) => e.type === "peer");
    expect(tabIds.peer).toBe(danaIds.you);
    expect(await danaOnA.nextRtc((e) => e.type === "peer")).toEqual({ type: "peer", you: danaIds.you, peer: tabIds.you });
    const stale = await signal(b, id, provider, page.csrf!, { from: tessIds.you, to: danaIds.you, msg: { type: "hello" } });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ code: "signal_stale" });
    // Closing that tab makes the stream on B current again: Dana hears it, and B's stream may signal again.
    // (B may hear of the tab's open and close at once, and then has nothing new to tell its stream.)
    tessOnA.close();
    expect(await danaOnA.nextRtc((e) => e.type === "peer")).toEqual({ type: "peer", you: danaIds.you, peer: tessIds.you });
    expect((await signal(b, id, provider, page.csrf!, { from: tessIds.you, to: danaIds.you, msg: { type: "hello" } })).status).toBe(204);
    expect(await danaOnA.nextRtc((e) => e.type === "signal")).toEqual({ type: "signal", from: tessIds.you, msg: { type: "hello" } });

    // Dana leaves on A: Tess on B hears it.
    danaOnA.close();
    expect(await tessOnB.next((e) => e.state === "waiting")).toMatchObject({ present: { provider: true, client: false } });
    tessOnB.close();
    await new Promise((ok) => setTimeout(ok, 300));
    expect((await sdk(a).appointments.get(id)).session).toMatchObject({ state: "waiting" });
  }, 60_000);

  it("one Idempotency-Key sent to both processes at once makes one client", async () => {
    const key = `multi-${Date.now()}`;
    const body = JSON.stringify({ name: "Eli Client", email: "eli@client.test", state: "NJ" });
    const post = (p: Proc) => fetch(`${p.url}/api/v1/clients`, {
      method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": key }, body,
    });
    const replies = await Promise.all([post(a), post(b), post(a), post(b)]);
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const ids = new Set((await Promise.all(replies.filter((r) => r.status === 201).map((r) => r.json()))).map((c: { id: string }) => c.id));
    expect(ids.size).toBe(1);
    const listed = (await sdk(b).clients.list({ search: "eli@client.test" })).items;
    expect(listed.map((c) => c.id)).toEqual([...ids]);
  }, 30_000);

  it("a list's cursor from one process is good on the other (behind a load balancer, nothing is sticky)", async () => {
    const first = await sdk(a).clients.list({ limit: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).toBeTruthy();
    const next = await sdk(b).clients.list({ limit: 1, cursor: first.nextCursor! });
    expect(next.items).toHaveLength(1);
    expect(next.items[0]!.id).not.toBe(first.items[0]!.id);
    // A forged cursor is still refused on both.
    const forged = `${first.nextCursor!.split(".")[0]}.${"A".repeat(43)}`;
    for (const p of [a, b]) {
      const res = await fetch(`${p.url}/api/v1/clients?limit=1&cursor=${encodeURIComponent(forged)}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: "bad_cursor" });
    }
  });

  it("the sweeps of both processes complete each overdue session exactly once", async () => {
    // Twenty sessions whose auto-complete deadline passed long ago, each with a record (Dana said where she is).
    const client = await clientCookie(a.world, "dana@client.test");
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await book(-200 - i, 10));
    for (const id of ids) {
      const { body } = await sessionPage(b.world, id, client);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
      if (csrf && body.includes("/session/location")) await answerLocation(b.world, id, client, csrf);
    }
    const deadline = Date.now() + 20_000;
    for (;;) {
      const states = await Promise.all(ids.map(async (id) => (await sdk(a).appointments.get(id)).session?.state));
      if (states.every((s) => s === "completed")) break;
      expect(Date.now(), `states: ${states.join(",")}`).toBeLessThan(deadline);
      await new Promise((ok) => setTimeout(ok, 200));
    }
    const completions = (await sdk(b).audit.list({ action: "session.complete", limit: 500 })).items.filter((r) => ids.includes(r.recordId!));
    expect(completions.map((r) => r.recordId).sort()).toEqual([...ids].sort());
    expect(completions.every((r) => (r.details as { reason: string }).reason === "auto_complete")).toBe(true);
  }, 60_000);

  it("kill -9 of one process: its streams stop counting within 30 s, the other keeps serving and takes the page back", async () => {
    const id = await book(5);
    const client = await clientCookie(a.world, "dana@client.test");
    await sessionPage(a.world, id, client);
    const danaOnA = await stream(a, id, client);
    await danaOnA.next((e) => e.state === "waiting");
    const provider = await providerCookie(b.world, token, id);
    const tessOnB = await stream(b, id, provider);
    await tessOnB.next((e) => e.state === "live");
    await danaOnA.next((e) => e.state === "live");

    const killedAt = Date.now();
    const gone = exited(b.child);
    b.child.kill("SIGKILL");
    expect(await gone).toBeNull();
    expect(await tessOnB.closed()).toBe(true);
    // Dana's page on A hears, without reload, that Tess is not here any more.
    const alone = await danaOnA.next((e) => e.state === "waiting", 30_000);
    const took = Date.now() - killedAt;
    expect(alone.present).toEqual({ provider: false, client: true });
    expect(took).toBeLessThan(30_000);
    const resets = (await sdk(a).audit.list({ action: "session.presence_reset", recordId: id, limit: 10 })).items;
    expect(resets.map((r) => r.details)).toEqual([{ reason: "server_gone", sides: "provider" }]);

    // A keeps serving, and Tess's page reconnecting to A is present again, with the same start.
    expect((await fetch(`${a.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const tessOnA = await stream(a, id, provider);
    const again = await tessOnA.next((e) => e.state === "live");
    expect(again.present).toEqual({ provider: true, client: true });
    expect(await danaOnA.next((e) => e.state === "live")).toEqual(again);
    const session = (await sdk(a).appointments.get(id)).session!;
    expect(session.state).toBe("live");
    expect(new Date(session.startedAt!).getTime()).toBeLessThan(killedAt);
    tessOnA.close();
    danaOnA.close();
    console.log(`kill -9: the provider's stream stopped counting after ${took} ms (heartbeat 500 ms, dead after 2000 ms)`);

    const stopped = exited(a.child);
    a.child.kill("SIGTERM");
    expect(await stopped).toBe(0);
  }, 60_000);
});
