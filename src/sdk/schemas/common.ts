import { z } from "zod";

/** U.S. states, DC and the inhabited territories: the only residences eligible for telehealth (R4). */
export const US_STATE_CODES = [
  "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
  "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
  "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
  "WI", "WY", "DC", "PR", "GU", "VI", "AS", "MP",
] as const;

export type UsStateCode = (typeof US_STATE_CODES)[number];

const stateSet = new Set<string>(US_STATE_CODES);

/** True when `code` is a two-letter U.S. state or territory code (case-insensitive). */
export function isUsStateCode(code: string): boolean {
  return stateSet.has(code.toUpperCase());
}

export const StateCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .refine(isUsStateCode, { message: "must be a two-letter U.S. state or territory code, such as NY or PR" });

export const Email = z
  .string()
  .trim()
  .max(254)
  .email({ message: "must be an email address, such as name@example.com" })
  .transform((s) => s.toLowerCase());

export const IsoDateTime = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time with an offset, such as 2026-12-01T15:00:00Z" });

export const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, { message: "must be an id" });

/** A staff member or client named by id or by email (the contract lets either be used). */
export const Ref = z.string().trim().min(1).max(254);

export const TimeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return tz.includes("/") || tz === "UTC";
    } catch {
      return false;
    }
  },
  { message: "must be an IANA time zone, such as America/New_York" },
);

/**
 * Characters that make text lie about itself on a terminal or a page: C0 and C1 controls (ESC starts
 * terminal escape sequences), DEL, line and paragraph separators, and bidi overrides and isolates
 * (which can make a name read differently from what is stored).
 */
export const UNPRINTABLE = /[\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]/u;

/** How a field with such characters is refused, everywhere (API, SDK, CLI flags, CSV rows). */
export const UNPRINTABLE_MESSAGE = "must be one line of text, without newlines or control characters";

/** True when `text` holds a character of UNPRINTABLE. */
export function hasUnprintable(text: string): boolean {
  return UNPRINTABLE.test(text);
}

/** Free text on one line, trimmed, `min` to `max` characters, without UNPRINTABLE characters. */
export function oneLineText(max: number, min = 0) {
  const text = z.string().trim();
  return (min > 0 ? text.min(min, { message: "must not be empty" }) : text)
    .max(max, { message: `must be at most ${max} characters` })
    .refine((s) => !hasUnprintable(s), { message: UNPRINTABLE_MESSAGE });
}

export const Name = oneLineText(200, 1);

/** Every error the API returns: RFC 9457 problem details with a stable `code`. */
export const Problem = z.object({
  type: z.string().optional(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string(),
  requestId: z.string().optional(),
  details: z.unknown().optional(),
});
export type Problem = z.infer<typeof Problem>;
