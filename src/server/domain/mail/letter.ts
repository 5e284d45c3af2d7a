/**
 * A mail as it leaves: the outbox row's text, or its notice rendered (R23), with the headers every
 * mail carries: the practice's name on the sender, Reply-To its contact when that is an email
 * address, a Message-ID on the public URL's host, and `Auto-Submitted: auto-generated` (RFC 3834),
 * so out-of-office replies are not sent back.
 */
import type { MailRow } from "../../db/types.js";
import type { NoticeFacts } from "../notify/facts.js";
import { renderNotice } from "../notify/render.js";

/** What the `letter` column holds. */
export interface Letter {
  fromName?: string;
  replyTo?: string;
  /** The HTML part of a mail rendered when it was queued (mails with single-use links). */
  html?: string;
  /** A notice's facts, rendered with its calendar file now. */
  notice?: NoticeFacts;
}

/** The address part of a From setting such as `tele <no-reply@tele.invalid>`. */
export const addressOf = (from: string) => /<([^>]+)>/.exec(from)?.[1] ?? from.trim();

/** The options nodemailer sends `m` with; `host` names the Message-ID's domain. */
export function messageOf(from: string, host: string, m: MailRow) {
  const letter: Letter = m.letter ? JSON.parse(m.letter) : {};
  const address = addressOf(from);
  const base = {
    from: letter.fromName ? { name: letter.fromName, address } : from,
    to: m.to, subject: m.subject, messageId: `<${m.id}@${host}>`, date: new Date(m.createdAt),
    headers: { "Auto-Submitted": "auto-generated" } as Record<string, string>,
    ...(letter.replyTo ? { replyTo: letter.replyTo } : {}),
  };
  if (letter.notice) {
    const n = renderNotice(letter.notice, m.to, address);
    return {
      ...base, text: n.text, html: n.html,
      // As an alternative part (calendar apps offer Accept/Update) and as a file, for clients that only show attachments.
      icalEvent: { method: n.calendar.method, filename: "appointment.ics", content: n.calendar.content },
    };
  }
  return { ...base, text: m.text, ...(letter.html ? { html: letter.html } : {}) };
}
