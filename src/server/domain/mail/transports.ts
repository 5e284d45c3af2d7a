import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { MailRow } from "../../db/types.js";
import type { MailTransport } from "./worker.js";

type Nodemailer = typeof import("nodemailer");
const loadNodemailer = async (): Promise<Nodemailer> => (await import("nodemailer")).default as unknown as Nodemailer;

const message = (from: string, m: MailRow) => ({
  from, to: m.to, subject: m.subject, text: m.text, messageId: `<${m.id}@tele>`, date: new Date(m.createdAt),
});

/** Sends through an SMTP server (`TELE_SMTP_URL`, e.g. smtp://127.0.0.1:2525). */
export async function smtpTransport(url: string, from: string): Promise<MailTransport> {
  const nodemailer = await loadNodemailer();
  const t = nodemailer.createTransport(url);
  return {
    async deliver(m) {
      await t.sendMail(message(from, m));
    },
    close: () => t.close(),
  };
}

/** Writes each message as an `.eml` file under `dir` (no SMTP configured); written whole or not at all. */
export async function fileTransport(dir: string, from: string): Promise<MailTransport> {
  const nodemailer = await loadNodemailer();
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  await mkdir(dir, { recursive: true });
  return {
    async deliver(m) {
      const info = (await t.sendMail(message(from, m))) as unknown as { message: Buffer };
      const file = join(dir, `${m.id}.eml`);
      await writeFile(`${file}.tmp`, info.message, { mode: 0o600 });
      await rename(`${file}.tmp`, file);
    },
  };
}
