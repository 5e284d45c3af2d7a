/**
 * Appointment notices (R23): queued in the outbox inside the transaction of the change they tell
 * of (R21), one per appointment whose client has an email address and whose appointment is (or,
 * switched to in person or cancelled, was) a telehealth one. Many are queued with one insert.
 */
import type { NewMail, NoticeTarget, Repos } from "../../db/repos.js";
import type { PracticeRow } from "../../db/types.js";
import type { Deps } from "../deps.js";
import { newId } from "../shared/crypto.js";
import { noticeFacts, noticeSender, noticeSubject, type NoticeFacts, type NoticeKind } from "./facts.js";

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
 * Inside the caller's transaction: records a `kind` change of the appointments `ids` (their calendar
 * SEQUENCE rises, except on creation), and with `notify` queues the notices; returns their mail ids.
 */
export async function queueNotices(
  r: Repos, deps: Deps, now: number, practiceId: string, kind: ChangeKind, ids: string[], notify: boolean,
): Promise<string[]> {
  if (!ids.length) return [];
  if (kind !== "created") await r.notices.bumpSequence(practiceId, ids);
  if (!notify) return [];
  const practice = (await r.practices.byId(practiceId)) as PracticeRow;
  const mails: NewMail[] = [];
  for (const t of await r.notices.targets(practiceId, ids)) {
    if (tellsClient(kind, t)) mails.push(noticeMail(practiceId, t.clientEmail!, noticeFacts(kind, t, practice, deps.config.publicUrl, now), now));
  }
  await r.mail.insertMany(mails);
  return mails.map((m) => m.id);
}
