/**
 * Appointment notices (R23). A notice is queued as its facts, frozen in the outbox row inside the
 * transaction of the change it tells of (R21); its words, HTML and calendar file are rendered from
 * them when it is delivered, so a bulk change queues many notices in one small insert. One goes to
 * each client with an email address whose appointment is (or, switched to in person or cancelled,
 * was) a telehealth one. Subjects and bodies say when in the practice's zone.
 */
import type { NewMail, NoticeTarget, Repos } from "../../db/repos.js";
import type { PracticeRow } from "../../db/types.js";
import { zoneAbbreviation } from "../../../sdk/schemas/time.js";
import { sessionPath } from "../appointments/window.js";
import type { Deps } from "../deps.js";
import { newId } from "../shared/crypto.js";
import { isEmailAddress, senderOf } from "./layout.js";

/** What happened to the appointment (`reminder`: nothing; it is coming up). */
export type NoticeKind = "created" | "converted" | "rescheduled" | "in_person" | "cancelled" | "reminder";

export interface NoticeFacts {
  kind: NoticeKind;
  appointmentId: string;
  /** `<appointment id>@<public host>`: the calendar UID for the appointment's whole life. */
  uid: string;
  sequence: number;
  startAt: number;
  endAt: number;
  telehealth: boolean;
  timeZone: string;
  practiceName: string;
  contact: string | null;
  portalUrl: string;
  /** The appointment's page in the portal (sign-in first): the calendar's LOCATION and URL. */
  pageUrl: string;
  therapistName: string;
  joinWindowMinutes: number;
  /** For reminders: how long before the start. */
  offsetMinutes?: number;
  /** When the notice was made (the calendar's DTSTAMP). */
  stampAt: number;
}

export const hostOf = (publicUrl: string) => new URL(publicUrl).hostname;

/** The facts of one notice about `t` in `practice`. */
export function noticeFacts(kind: NoticeKind, t: NoticeTarget, practice: PracticeRow, publicUrl: string, now: number, offsetMinutes?: number): NoticeFacts {
  const sender = senderOf(practice, publicUrl);
  const f: NoticeFacts = {
    kind, appointmentId: t.id, uid: `${t.id}@${hostOf(publicUrl)}`, sequence: t.sequence, startAt: t.startAt, endAt: t.endAt,
    telehealth: t.telehealth && kind !== "in_person", timeZone: practice.timeZone, practiceName: practice.name, contact: practice.contact,
    portalUrl: sender.portalUrl, pageUrl: `${publicUrl.replace(/\/+$/, "")}${sessionPath(practice.slug, t.id)}`,
    therapistName: t.therapistName, joinWindowMinutes: practice.joinWindowMinutes, stampAt: now,
  };
  if (offsetMinutes !== undefined) f.offsetMinutes = offsetMinutes;
  return f;
}

/** Subjects say when, not what: nothing about therapy or telehealth on a lock screen (R23). */
export function noticeSubject(f: Pick<NoticeFacts, "kind" | "startAt" | "timeZone">): string {
  return subjects(f.kind, f.timeZone)(f.startAt);
}

/** The subject of a `kind` notice for each start, in `timeZone`. */
function subjects(kind: NoticeKind, timeZone: string): (startAt: number) => string {
  switch (kind) {
    case "rescheduled": return (at) => `Your appointment has moved to ${shortWhen(at, timeZone)}`;
    case "in_person": return (at) => `Your appointment on ${shortWhen(at, timeZone)} is now in person`;
    case "cancelled": return (at) => `Cancelled: your appointment on ${shortWhen(at, timeZone)}`;
    case "reminder": return (at) => `Reminder: your appointment on ${shortWhen(at, timeZone)}`;
    default: return (at) => `Your appointment on ${shortWhen(at, timeZone)}`;
  }
}

/** The sender headers of a notice: the practice's name, and Reply-To its contact when that is an email address. */
export const noticeSender = (f: NoticeFacts) => ({ fromName: f.practiceName, ...(isEmailAddress(f.contact) ? { replyTo: f.contact } : {}) });

// How a notice says when: subjects name the time and nothing else, bodies say it in full with the zone.

const cache = new Map<string, { short: Intl.DateTimeFormat; long: Intl.DateTimeFormat; time: Intl.DateTimeFormat }>();

function formats(timeZone: string) {
  let f = cache.get(timeZone);
  if (!f) {
    f = {
      short: new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" }),
      long: new Intl.DateTimeFormat("en-US", { timeZone, weekday: "long", month: "long", day: "numeric", year: "numeric" }),
      time: new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", minute: "2-digit" }),
    };
    cache.set(timeZone, f);
  }
  return f;
}

/** "Tue, Dec 3 at 4:00 PM": for subjects, which show on a lock screen. */
export function shortWhen(epochMs: number, timeZone: string): string {
  // One call ("Thu, Dec 3, 4:00 PM"), then "at" before the time: a bulk change formats a hundred thousand.
  return formats(timeZone).short.format(epochMs).replace(/, (?=\d{1,2}:\d{2})/, " at ");
}

/** "Tuesday, December 3, 2026, 4:00 PM – 4:50 PM EST (America/New_York)". */
export function longWhen(startAt: number, endAt: number, timeZone: string): string {
  const f = formats(timeZone);
  return `${f.long.format(startAt)}, ${f.time.format(startAt)} – ${f.time.format(endAt)} ${zoneAbbreviation(startAt, timeZone)} (${timeZone})`;
}

/** 1440 → "24 hours", 60 → "1 hour", 90 → "90 minutes", 2880 → "2 days". */
export function offsetWords(minutes: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (minutes % 1440 === 0 && minutes >= 2880) return unit(minutes / 1440, "day");
  if (minutes % 60 === 0) return unit(minutes / 60, "hour");
  return unit(minutes, "minute");
}


/** A change to an appointment that its client is told of. */
export type ChangeKind = Exclude<NoticeKind, "reminder">;

/** Whether the client of `t` hears of a `kind` change: has an email, and the appointment is or was telehealth. */
export const tellsClient = (kind: NoticeKind, t: Pick<NoticeTarget, "clientEmail" | "telehealth">) =>
  !!t.clientEmail && (t.telehealth || kind === "in_person");

/** The outbox row of one notice: the subject now, the words and calendar file from `letter` at delivery. */
export function noticeMail(practiceId: string, to: string, facts: NoticeFacts, now: number): NewMail {
  const letter = JSON.stringify({ ...noticeSender(facts), notice: facts });
  return { id: newId("mail"), practiceId, to, subject: noticeSubject(facts), text: "", letter, nextAttemptAt: now, createdAt: now };
}

/**
 * `noticeMail` for many appointments of one practice and one kind, fast: the practice's part of
 * the letter is serialised once, each appointment's part is joined on (ids are URL-safe), and each
 * therapist's name is escaped once. Gives the same letter, field for field.
 */
export function noticeMails(kind: NoticeKind, practice: PracticeRow, publicUrl: string, now: number): (t: NoticeTarget) => NewMail {
  const sample = noticeFacts(kind, { id: "", clientId: "", clientEmail: null, therapistName: "", startAt: 0, endAt: 0, telehealth: false, status: "scheduled", sequence: 0 }, practice, publicUrl, now);
  const { appointmentId: _a, uid: _u, pageUrl: _p, sequence: _s, startAt: _b, endAt: _e, telehealth: _t, therapistName: _n, ...common } = sample;
  const head = `${JSON.stringify(noticeSender(sample)).slice(0, -1)},"notice":{${JSON.stringify(common).slice(1, -1)}`;
  const page = JSON.stringify(`${publicUrl.replace(/\/+$/, "")}${sessionPath(practice.slug, "")}`).slice(1, -1).replace(/\/session$/, "");
  const host = hostOf(publicUrl);
  const names = new Map<string, string>();
  const subjectOf = subjects(kind, practice.timeZone);
  return (t) => {
    let name = names.get(t.therapistName);
    if (name === undefined) names.set(t.therapistName, (name = JSON.stringify(t.therapistName)));
    const telehealth = t.telehealth && kind !== "in_person";
    const letter = `${head},"appointmentId":"${t.id}","uid":"${t.id}@${host}","pageUrl":"${page}${t.id}/session","sequence":${t.sequence},` +
      `"startAt":${t.startAt},"endAt":${t.endAt},"telehealth":${telehealth},"therapistName":${name}}}`;
    return { id: newId("mail"), practiceId: practice.id, to: t.clientEmail!, subject: subjectOf(t.startAt), text: "", letter, nextAttemptAt: now, createdAt: now };
  };
}

/**
 * Inside the caller's transaction: records a `kind` change of the appointments `ids` (their calendar
 * SEQUENCE rises, except on creation), and with `notify` queues the notices; returns their mail ids.
 */
export async function queueNotices(
  r: Repos, deps: Deps, now: number, practiceId: string, kind: ChangeKind, ids: string[], notify: boolean,
): Promise<string[]> {
  if (!ids.length || (kind === "created" && !notify)) return [];
  if (!notify) return void (await r.notices.bumpSequence(practiceId, ids)), [];
  const targets = await r.notices.targets(practiceId, ids, kind !== "created");
  const practice = (await r.practices.byId(practiceId)) as PracticeRow;
  const mail = noticeMails(kind, practice, deps.config.publicUrl, now);
  const mails: NewMail[] = [];
  for (const t of targets) if (tellsClient(kind, t)) mails.push(mail(t));
  await r.mail.insertMany(mails);
  return mails.map((m) => m.id);
}
