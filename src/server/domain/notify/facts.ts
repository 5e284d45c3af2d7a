/**
 * An appointment notice as queued (R23): the facts, frozen in the outbox row in the same transaction
 * as the change; its words, HTML and calendar file are rendered from them when it is delivered, so a
 * bulk change queues many notices in one small insert.
 */
import type { NoticeTarget } from "../../db/repos.js";
import type { PracticeRow } from "../../db/types.js";
import { sessionPath } from "../appointments/window.js";
import { isEmailAddress, senderOf } from "./layout.js";
import { shortWhen } from "./when.js";

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
  const when = shortWhen(f.startAt, f.timeZone);
  switch (f.kind) {
    case "rescheduled": return `Your appointment has moved to ${when}`;
    case "in_person": return `Your appointment on ${when} is now in person`;
    case "cancelled": return `Cancelled: your appointment on ${when}`;
    case "reminder": return `Reminder: your appointment on ${when}`;
    default: return `Your appointment on ${when}`;
  }
}

/** The sender headers of a notice: the practice's name, and Reply-To its contact when that is an email address. */
export const noticeSender = (f: NoticeFacts) => ({ fromName: f.practiceName, ...(isEmailAddress(f.contact) ? { replyTo: f.contact } : {}) });
