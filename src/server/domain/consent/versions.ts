import { createHash } from "node:crypto";
import { CONSENT_MAX_BYTES, SetConsentInput, type ConsentSetResult, type ConsentVersion } from "../../../sdk/schemas/index.js";
import type { ConsentVersionRow } from "../../db/types.js";
import { audit } from "../audit/audit.js";
import type { Actor, Deps } from "../deps.js";
import { DomainError, notFound } from "../errors.js";
import { MANAGERS, READERS, requireStaff } from "../shared/permissions.js";

/** R26: the practice's telehealth consent text, kept as numbered versions with their SHA-256 hash. */

const iso = (ms: number) => new Date(ms).toISOString();
export const consentHash = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

export const NO_CONSENT_TEXT = "the practice has no telehealth consent text yet, so clients are not asked for consent";

/** A text larger than CONSENT_MAX_BYTES: 413, before any other check. */
function checkSize(input: unknown): void {
  const text = (input as { text?: unknown } | null)?.text;
  if (typeof text === "string" && Buffer.byteLength(text, "utf8") > CONSENT_MAX_BYTES) {
    throw new DomainError("consent_text_too_large", 413, `the consent text is ${Buffer.byteLength(text, "utf8")} bytes; it may be at most ${CONSENT_MAX_BYTES} bytes (64 KB)`);
  }
}

/**
 * Sets the practice's consent text (owner or manager). A text other than the current one becomes
 * the next version, with its hash, time and author, audited in the same transaction; the current
 * text again (after normalConsentText) makes nothing new and writes nothing (`created: false`).
 */
export async function setConsentText(deps: Deps, actor: Actor, input: unknown): Promise<ConsentSetResult> {
  const a = requireStaff(actor, ...MANAGERS);
  checkSize(input);
  const { text } = SetConsentInput.parse(input);
  const hash = consentHash(text);
  const now = deps.clock();
  return deps.store.tx(async (r) => {
    const current = await r.consent.current(a.practiceId);
    if (current && current.hash === hash && current.text === text) {
      return { version: current.version, hash, createdAt: iso(current.createdAt), created: false };
    }
    const row: ConsentVersionRow = { practiceId: a.practiceId, version: (current?.version ?? 0) + 1, text, hash, createdAt: now, createdBy: a.staff.id };
    await r.consent.insert(row);
    await audit(r, a, now, a.practiceId, "practice.consent.set", { type: "consent", id: String(row.version) },
      { version: row.version, hash, bytes: Buffer.byteLength(text, "utf8"), previous: current?.version ?? null });
    return { version: row.version, hash, createdAt: iso(now), created: true };
  });
}

/** A version as the API shows it. */
export function consentVersionView(v: ConsentVersionRow, currentVersion: number): ConsentVersion {
  return { version: v.version, hash: v.hash, createdAt: iso(v.createdAt), createdBy: v.createdBy, text: v.text, current: v.version === currentVersion };
}

/**
 * The current consent text, or version `version` (any staff member: therapists and billers may
 * read what clients agree to). 404 `no_consent_text` when the practice has none. The practice's own
 * text, not a client's data, so the read is not audited.
 */
export async function getConsentText(deps: Deps, actor: Actor, version?: number): Promise<ConsentVersion> {
  const a = requireStaff(actor, ...READERS);
  const current = await deps.store.consent.current(a.practiceId);
  if (!current) throw new DomainError("no_consent_text", 404, NO_CONSENT_TEXT);
  const row = version === undefined || version === current.version ? current : await deps.store.consent.byVersion(a.practiceId, version);
  if (!row) throw notFound("consent version", String(version));
  return consentVersionView(row, current.version);
}
