import { z } from "zod";

/** The largest consent text a practice may set (R26): 64 KB of UTF-8, far beyond any real form. */
export const CONSENT_MAX_BYTES = 64 * 1024;

/** Control characters a consent text may not hold: all but tab and newline, and the bidirectional overrides (they can disguise text). */
const CONSENT_UNPRINTABLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/**
 * A consent text as kept and hashed: a leading byte-order mark dropped, line endings made `\n`,
 * trailing spaces of each line and blank lines at either end dropped. So the same document saved
 * by another editor is the same text (and the same version), not a new one.
 */
export function normalConsentText(text: string): string {
  return text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n").replace(/[ \t]+$/gm, "").replace(/^\n+|\n+$/g, "");
}

/** `PUT /api/v1/practice/consent`: a new consent text (a new version unless it is the current text again). */
export const SetConsentInput = z.strictObject({
  text: z
    .string({ error: "is required: the consent text" })
    .transform(normalConsentText)
    .refine((s) => s.trim() !== "", { message: "must not be empty" })
    .refine((s) => !CONSENT_UNPRINTABLE.test(s), { message: "must be plain text: no control characters other than tabs and newlines" })
    .meta({ description: "plain text (tabs and newlines allowed), at most 64 KB of UTF-8" }),
});
export type SetConsentInput = z.input<typeof SetConsentInput>;

/** One version of the practice's telehealth consent text (R26). */
export const ConsentVersion = z.object({
  version: z.number().int(),
  /** SHA-256 of the text as kept (UTF-8), hex. */
  hash: z.string(),
  createdAt: z.iso.datetime(),
  /** The staff member who set it. */
  createdBy: z.string(),
  text: z.string(),
  /** Whether this is the practice's current version (the one clients are asked to accept). */
  current: z.boolean(),
});
export type ConsentVersion = z.infer<typeof ConsentVersion>;

/** What `tele practice consent set` prints with --json: the current version, and whether this call made it. */
export const ConsentSetResult = z.object({
  version: z.number().int(),
  hash: z.string(),
  createdAt: z.iso.datetime(),
  /** false: the text was already the current version, so no new version was made. */
  created: z.boolean(),
});
export type ConsentSetResult = z.infer<typeof ConsentSetResult>;

/** `GET /api/v1/practice/consent?version=N`. */
export const ConsentQuery = z.strictObject({
  version: z.string().regex(/^[1-9]\d{0,8}$/, { message: "must be a version number, such as 2" }).optional(),
});

/**
 * A client's consent standing (R26): `none` (never accepted a version, or the practice has no
 * text), `current` (accepted the practice's current version) or `outdated` (accepted an earlier one).
 */
export const ClientConsent = z.object({
  status: z.enum(["none", "current", "outdated"]),
  version: z.number().int().optional(),
  acceptedAt: z.iso.datetime().optional(),
});
export type ClientConsent = z.infer<typeof ClientConsent>;
