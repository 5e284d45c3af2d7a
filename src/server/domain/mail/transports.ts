import { chmod, mkdir, open, readdir, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { MailRow } from "../../db/types.js";
import { hashSecret } from "../shared/crypto.js";
import type { NoticeFacts } from "../notify/notices.js";
import { renderNotice } from "../notify/render.js";
import type { MailTransport } from "./worker.js";

/** The 256-bit tokens (newSecret) in a mail's links. */
const TOKEN_IN_LINK = /\/([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/g;
/** The header naming, as hashes (never the tokens), the links an `.eml` file carries. */
const LINKS_HEADER = "X-Tele-Link-Hashes";

type Nodemailer = typeof import("nodemailer");
const loadNodemailer = async (): Promise<Nodemailer> => (await import("nodemailer")).default as unknown as Nodemailer;

// A mail as it leaves: the outbox row's text, or its notice rendered (R23), with the headers every
// mail carries: the practice's name on the sender, Reply-To its contact when that is an email address,
// a Message-ID on the public URL's host, and `Auto-Submitted: auto-generated` (RFC 3834), so
// out-of-office replies are not sent back.
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

/** The host Message-IDs are on: the public URL's, read when each mail goes (it is known only once the server listens). */
export type MessageHost = () => string;

/** Sends through an SMTP server (`TELE_SMTP_URL`, e.g. smtp://127.0.0.1:2525). */
export async function smtpTransport(url: string, from: string, host: MessageHost = () => "tele"): Promise<MailTransport> {
  const nodemailer = await loadNodemailer();
  const t = nodemailer.createTransport(url);
  return {
    async deliver(m) {
      await t.sendMail(messageOf(from, host(), m));
    },
    close: () => t.close(),
  };
}

/** The link hashes an `.eml` file's header names (read from its first few KB: the headers). */
async function linkHashesOf(file: string): Promise<string[]> {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(8192);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    // Headers end at the first empty line; long ones are folded onto lines that start with a space.
    const head = buf.subarray(0, bytesRead).toString("latin1").replace(/\r\n/g, "\n").split("\n\n")[0]!.replace(/\n[ \t]+/g, " ");
    const line = new RegExp(`^${LINKS_HEADER}:([0-9a-f ]*)$`, "mi").exec(head);
    return line?.[1] ? line[1].split(" ").filter(Boolean) : [];
  } finally {
    await fh.close();
  }
}

/**
 * Writes each message as an `.eml` file under `dir` (no SMTP configured); written whole or not at
 * all. The folder is the stand-in for a mail server, so an unread file holds a live link, as a
 * mailbox would: 0600 in a 0700 folder, and `prune` deletes each file once no link in it works
 * any more (used, revoked, replaced or expired). Mail without links stays, as delivered mail.
 */
export async function fileTransport(dir: string, from: string, host: MessageHost = () => "tele"): Promise<MailTransport> {
  const nodemailer = await loadNodemailer();
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  return {
    async deliver(m) {
      const hashes = [...m.text.matchAll(TOKEN_IN_LINK)].map((x) => hashSecret(x[1]!));
      const msg = messageOf(from, host(), m);
      if (hashes.length) msg.headers[LINKS_HEADER] = hashes.join(" ");
      const info = (await t.sendMail(msg)) as unknown as { message: Buffer };
      const file = join(dir, `${m.id}.eml`);
      await writeFile(`${file}.tmp`, info.message, { mode: 0o600 });
      await rename(`${file}.tmp`, file);
    },
    async prune(isLive) {
      let removed = 0;
      for (const name of (await readdir(dir)).filter((n) => n.endsWith(".eml"))) {
        const file = join(dir, name);
        const hashes = await linkHashesOf(file).catch(() => []);
        if (!hashes.length) continue;
        let live = false;
        for (const h of hashes) if ((live = await isLive(h))) break;
        if (!live) removed += await unlink(file).then(() => 1, () => 0);
      }
      return removed;
    },
  };
}
