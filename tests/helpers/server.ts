/**
 * Shared fixtures for tests/server: a seeded practice over an in-memory database, raw table reads
 * for "nothing changed" checks, temp dirs that clean up, and a real SMTP server on loopback.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { expect } from "vitest";
import type { SqliteStore } from "../../src/server/db/sqlite/store.js";
import { createAppointment } from "../../src/server/domain/appointments/service.js";
import { portalSignup, sendPortalInvite } from "../../src/server/domain/clients/portal.js";
import type { Actor } from "../../src/server/domain/deps.js";
import { DomainError } from "../../src/server/domain/errors.js";
import { makeDeps, makePractice } from "./world.js";

/** A fresh database, clock at T0, and the seeded Maple Therapy practice. */
export async function makeWorld() {
  const env = makeDeps();
  const p = await makePractice(env.deps);
  return { ...env, p };
}
export type World = Awaited<ReturnType<typeof makeWorld>>;

/**
 * Schedules an appointment as the owner (or `as`); `start` is read in America/New_York without an
 * offset. A start that has passed needs `allowPast`, and one that overlaps another of the same
 * person's `allowOverlap`, as they do for anyone (issue 10).
 */
export function book(w: World, o: {
  therapist?: Actor | string; client: { id: string }; start: string; telehealth?: boolean; as?: Actor; minutes?: number; allowPast?: boolean; allowOverlap?: boolean;
}) {
  const t = o.therapist ?? w.p.tina;
  const therapist = typeof t === "string" ? t : (t as { staff: { id: string } }).staff.id;
  return createAppointment(w.deps, o.as ?? w.p.owner, {
    therapist, client: o.client.id, start: o.start, durationMinutes: o.minutes ?? 50, telehealth: o.telehealth ?? false,
    allowPast: o.allowPast ?? false, allowOverlap: o.allowOverlap ?? false,
  });
}

/** Every row of a table, in a stable order: compare before and after to prove nothing changed. */
export function rows(store: SqliteStore, table: string): Record<string, unknown>[] {
  const order = table === "audit_log" ? "id" : "rowid";
  return store.db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all() as Record<string, unknown>[];
}

export const count = (store: SqliteStore, table: string): number =>
  (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

/** Everything that a change could touch, for "nothing was written" assertions. */
export function snapshot(store: SqliteStore) {
  const tables = ["practices", "staff", "clients", "appointments", "links", "api_tokens", "mail", "audit_log"];
  return Object.fromEntries(tables.map((t) => [t, rows(store, t)]));
}

export interface AuditLine {
  id: number; actor_type: string; actor_id: string | null; action: string; record_type: string;
  record_id: string | null; ip: string | null; request_id: string | null; details: string | null;
}

/** Audit rows, oldest first, optionally only those of `action`. */
export function auditRows(store: SqliteStore, action?: string): AuditLine[] {
  const all = store.db.prepare(`SELECT * FROM audit_log ORDER BY id`).all() as AuditLine[];
  return action ? all.filter((r) => r.action === action) : all;
}

/** Sets an appointment's status directly: no service does it yet. */
export function setStatus(store: SqliteStore, id: string, status: "completed" | "cancelled" | "no_show") {
  store.db.prepare(`UPDATE appointments SET status = ? WHERE id = ?`).run(status, id);
}

/** Awaits `p`, expecting a DomainError with `code` and `status`; returns it for more checks. */
export async function refusal(p: Promise<unknown>, code: string, status: number): Promise<DomainError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}`).toBeInstanceOf(DomainError);
  const d = err as DomainError;
  expect({ code: d.code, status: d.status }).toEqual({ code, status });
  return d;
}

/** A temp dir and its removal. */
export function tempDir(prefix = "tele-test-") {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The portal link in a mail's text. */
export function linkIn(text: string): { url: string; slug: string; kind: string; token: string } {
  const m = /(http:\/\/tele\.test\/p\/([a-z0-9-]+)\/(invite|reset)\/([A-Za-z0-9_-]+))/.exec(text);
  if (!m) throw new Error("no portal link in the mail");
  return { url: m[1]!, slug: m[2]!, kind: m[3]!, token: m[4]! };
}

export interface Received { to: string[]; subject: string; text: string }

/**
 * A real SMTP server on 127.0.0.1 (port 0 unless given) that keeps what it receives, parsed.
 * `rejectRecipient` makes it refuse RCPT TO with a reply that quotes the address, as real servers do.
 */
export async function startSmtp(port = 0, opts: { rejectRecipient?: boolean } = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(address, _session, cb) {
      if (!opts.rejectRecipient) return cb();
      cb(Object.assign(new Error(`<${address.address}>: Recipient address rejected: mailbox ${address.address} unavailable`), { responseCode: 550 }));
    },
    onData(stream, session, cb) {
      simpleParser(stream).then(
        (m) => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: m.subject ?? "", text: m.text ?? "" });
          cb();
        },
        (err: Error) => cb(err),
      );
    },
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => ok());
  });
  const addr = server.server.address();
  const boundPort = typeof addr === "object" && addr ? addr.port : port;
  return {
    port: boundPort,
    url: `smtp://127.0.0.1:${boundPort}`,
    received,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** The newest mail queued to `to`, raw from the outbox. */
export function lastMailTo(store: SqliteStore, to: string): { id: string; text_body: string; subject: string; status: string } | undefined {
  return store.db.prepare(`SELECT * FROM mail WHERE to_address = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`).get(to) as never;
}

/** Invites a client and signs them up through the emailed link: an active portal account (R6, R10). */
export async function activatePortal(w: World, client: { id: string; email: string | null }, password = "correct horse battery") {
  await sendPortalInvite(w.deps, w.p.owner, client.id);
  const { token } = linkIn(lastMailTo(w.store, client.email!)!.text_body);
  return portalSignup(w.deps, { kind: "anonymous", ip: "203.0.113.9", requestId: "req_signup" }, { token, password });
}
