/**
 * The look of every mail to a client: a plain-text part and an HTML part with the same words, the
 * practice's name as the sender, Reply-To its contact when that is an email address, and a footer
 * with the practice's contact and portal address (R23; issue 11 "how mail reads").
 */
import type { Repos } from "../../db/repos.js";
import type { PracticeRow } from "../../db/types.js";
import type { Deps } from "../deps.js";
import { queueMail } from "../mail/outbox.js";
import { portalUrl } from "../shared/views.js";

/** A piece of a mail's body: a paragraph, a button-like link, or label/value rows. */
export type Block = { p: string } | { link: string; label: string; note?: string } | { rows: [string, string][] };

/** Who a client mail is from, as the footer and headers say it. */
export interface Sender {
  name: string;
  contact: string | null;
  portalUrl: string;
}

export interface ClientMail {
  text: string;
  html: string;
  fromName: string;
  replyTo?: string;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
export const isEmailAddress = (s: string | null): s is string => !!s && EMAIL.test(s);

export const senderOf = (p: Pick<PracticeRow, "name" | "contact" | "slug">, publicUrl: string): Sender =>
  ({ name: p.name, contact: p.contact, portalUrl: portalUrl(publicUrl, p.slug) });

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&${({ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "#39" } as Record<string, string>)[c]};`);

function footerLines(s: Sender): string[] {
  const reach = s.contact ? `Questions, or need to change this? Contact ${s.name}: ${s.contact}` : `Questions? Contact ${s.name}.`;
  return [reach, `Your client portal: ${s.portalUrl}`, `This message was sent automatically by ${s.name}'s scheduling system.`];
}

function textOf(heading: string, blocks: Block[], s: Sender): string {
  const parts = [heading, ""];
  for (const b of blocks) {
    if ("p" in b) parts.push(b.p, "");
    else if ("link" in b) parts.push(`${b.label}:`, b.link, ...(b.note ? [b.note] : []), "");
    else parts.push(...b.rows.map(([k, v]) => `${k}: ${v}`), "");
  }
  parts.push("--", ...footerLines(s));
  return parts.join("\n") + "\n";
}

function htmlOf(heading: string, blocks: Block[], s: Sender): string {
  const body = blocks.map((b) => {
    if ("p" in b) return `<p style="margin:0 0 16px">${esc(b.p)}</p>`;
    if ("link" in b) {
      return `<p style="margin:0 0 8px"><a href="${esc(b.link)}" style="display:inline-block;background:#1f5f8b;color:#ffffff;` +
        `text-decoration:none;padding:12px 20px;border-radius:6px;font-weight:600">${esc(b.label)}</a></p>` +
        `<p style="margin:0 0 16px;font-size:13px;color:#555">${b.note ? `${esc(b.note)}<br>` : ""}${esc(b.link)}</p>`;
    }
    return `<table role="presentation" style="margin:0 0 16px;border-collapse:collapse">${b.rows.map(([k, v]) =>
      `<tr><th scope="row" style="text-align:left;padding:4px 16px 4px 0;color:#555;font-weight:600;vertical-align:top">${esc(k)}</th>` +
      `<td style="padding:4px 0">${esc(v)}</td></tr>`).join("")}</table>`;
  }).join("\n");
  const [reach, portal, auto] = footerLines(s);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${esc(heading)}</title></head>
<body style="margin:0;padding:24px;background:#f4f6f8;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1d2327;font-size:16px;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:28px">
<p style="margin:0 0 4px;font-size:14px;color:#555">${esc(s.name)}</p>
<h1 style="margin:0 0 20px;font-size:22px;line-height:1.3">${esc(heading)}</h1>
${body}
<hr style="border:none;border-top:1px solid #dde1e5;margin:24px 0 16px">
<p style="margin:0 0 6px;font-size:13px;color:#555">${esc(reach!)}</p>
<p style="margin:0 0 6px;font-size:13px;color:#555">Your client portal: <a href="${esc(s.portalUrl)}">${esc(s.portalUrl)}</a></p>
<p style="margin:0;font-size:12px;color:#555">${esc(auto!)}</p>
</div></body></html>
`;
}

/** A client mail's two parts and its sender headers, from one list of blocks. */
export function clientMail(s: Sender, heading: string, blocks: Block[]): ClientMail {
  const mail: ClientMail = { text: textOf(heading, blocks, s), html: htmlOf(heading, blocks, s), fromName: s.name };
  if (isEmailAddress(s.contact)) mail.replyTo = s.contact;
  return mail;
}

/** Queues a client mail of `practice` in the caller's transaction (R21): both parts, sender headers and footer. */
export async function queueClientMail(
  r: Repos, deps: Deps, now: number, practice: PracticeRow, m: { to: string; subject: string; heading: string; blocks: Block[] },
): Promise<string> {
  const mail = clientMail(senderOf(practice, deps.config.publicUrl), m.heading, m.blocks);
  const letter = { fromName: mail.fromName, html: mail.html, ...(mail.replyTo ? { replyTo: mail.replyTo } : {}) };
  return queueMail(r, now, { practiceId: practice.id, to: m.to, subject: m.subject, text: mail.text, letter });
}
