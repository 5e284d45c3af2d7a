/**
 * A real SMTP server on loopback that keeps each message whole (parsed by mailparser, headers and
 * attachments included), and the calendar file of a message read with an independent parser
 * (ical.js), for the appointment notices of R23; and servers racing over one database, each in its
 * own thread (race-worker.mjs), to show that each reminder and mail goes once.
 */
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import ICAL from "ical.js";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { expect } from "vitest";
import { ROOT } from "./e2e.js";

export interface Delivered {
  to: string;
  mail: ParsedMail;
}

/** Starts the server; `received` fills as mail arrives. */
export async function startMailbox() {
  const received: Delivered[] = [];
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ["STARTTLS", "AUTH"], logger: false,
    onData(stream, session, cb) {
      simpleParser(stream).then((mail) => {
        received.push({ to: session.envelope.rcptTo[0]?.address ?? "", mail });
        cb();
      }, cb);
    },
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** Everything delivered to `to` so far. */
    to: (to: string) => received.filter((d) => d.to === to).map((d) => d.mail),
    /** Waits until `n` messages to `to` have arrived (and returns them), failing after `timeoutMs`. */
    async waitFor(to: string, n = 1, timeoutMs = 10_000): Promise<ParsedMail[]> {
      const deadline = Date.now() + timeoutMs;
      while (received.filter((d) => d.to === to).length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} mail(s) to ${to} within ${timeoutMs} ms, got ${received.filter((d) => d.to === to).length}`);
        await new Promise((ok) => setTimeout(ok, 50));
      }
      return received.filter((d) => d.to === to).map((d) => d.mail);
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

export interface ParsedCalendar {
  method: string;
  uid: string;
  sequence: number;
  status: string | null;
  tzid: string;
  /** DTSTART as written: local wall-clock time in `tzid`. */
  localStart: string;
  /** The instant DTSTART names, resolved through the file's own VTIMEZONE. */
  startAt: number;
  endAt: number;
  location: string;
  url: string;
  raw: string;
}

/** The mail's one `text/calendar` part, parsed by ical.js with the VTIMEZONE it carries. */
export function calendarOf(mail: ParsedMail): ParsedCalendar {
  const parts = mail.attachments.filter((a) => a.contentType.startsWith("text/calendar"));
  expect(parts.length, "calendar parts").toBeGreaterThanOrEqual(1);
  const raw = parts[0]!.content.toString("utf8");
  const cal = new ICAL.Component(ICAL.parse(raw));
  const zones = cal.getAllSubcomponents("vtimezone");
  expect(zones.length, "VTIMEZONE components").toBe(1);
  // Resolve times only through the file's own VTIMEZONE, as a calendar app would.
  const zone = new ICAL.Timezone(zones[0]!);
  const event = cal.getFirstSubcomponent("vevent")!;
  const dtstart = event.getFirstProperty("dtstart")!;
  const start = dtstart.getFirstValue() as ICAL.Time;
  const end = event.getFirstPropertyValue("dtend") as ICAL.Time;
  start.zone = zone;
  end.zone = zone;
  return {
    method: String(cal.getFirstPropertyValue("method")),
    uid: String(event.getFirstPropertyValue("uid")),
    sequence: Number(event.getFirstPropertyValue("sequence")),
    status: (event.getFirstPropertyValue("status") as string | null) ?? null,
    tzid: String(dtstart.getParameter("tzid")),
    localStart: start.toString(),
    startAt: start.toJSDate().getTime(),
    endAt: end.toJSDate().getTime(),
    location: String(event.getFirstPropertyValue("location")),
    url: String(event.getFirstPropertyValue("url")),
    raw,
  };
}

/** A header of a parsed mail as text. */
export const header = (mail: ParsedMail, name: string): string => {
  const v = mail.headers.get(name.toLowerCase());
  return typeof v === "string" ? v : JSON.stringify(v);
};

export interface RaceResult { reminders: number; delivered: number }

/** Each party sends due reminders and delivers due mail at `now`, all starting together; their results. */
export function raceServers(o: { file: string; now: number; smtpUrl: string; parties?: number; publicUrl?: string }): Promise<RaceResult[]> {
  const parties = o.parties ?? 2;
  const barrier = new SharedArrayBuffer(4);
  const workerData = { dist: join(ROOT, "dist"), file: o.file, now: o.now, smtpUrl: o.smtpUrl, barrier, parties, publicUrl: o.publicUrl ?? "http://tele.test" };
  return Promise.all(Array.from({ length: parties }, () => new Promise<RaceResult>((ok, fail) => {
    const w = new Worker(join(ROOT, "tests/helpers/race-worker.mjs"), { workerData });
    w.once("message", ok);
    w.once("error", fail);
    w.once("exit", (code) => code !== 0 && fail(new Error(`race worker exited ${code}`)));
  })));
}
