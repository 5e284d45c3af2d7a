/**
 * Form bodies (application/x-www-form-urlencoded), decoded strictly. @fastify/formbody registers
 * the parser and its size limit; the decoding is ours, because its default (fast-querystring), like
 * URLSearchParams before it, is lenient: `%ZZ` or a cut-off `%E0%A4%A` arrive as literal text, and
 * bytes that are not UTF-8 as U+FFFD, so a garbled form would be acted on as if it said that. Here
 * such a body is a 400 before any handler runs. A repeated field keeps its first value (no form of
 * ours repeats one, and a later copy must not override the CSRF token or an email).
 */
export class MalformedFormError extends Error {
  readonly statusCode = 400;
  readonly code = "invalid_form";
  constructor(detail: string) {
    super(`the form body is not valid application/x-www-form-urlencoded: ${detail}`);
  }
}

/** `a=1&b=x+y&c=%C3%A9` → { a: "1", b: "x y", c: "é" }; throws MalformedFormError on a bad escape or bytes that are not UTF-8. */
export function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (body === "") return out;
  for (const pair of body.split("&")) {
    if (pair === "") continue;
    const i = pair.indexOf("=");
    const key = decodePart(i < 0 ? pair : pair.slice(0, i), "a field name");
    const value = i < 0 ? "" : decodePart(pair.slice(i + 1), `the field ${JSON.stringify(key.slice(0, 40))}`);
    if (!(key in out)) out[key] = value;
  }
  return out;
}

function decodePart(raw: string, what: string): string {
  try {
    // decodeURIComponent refuses a % not followed by two hex digits and escapes that are not UTF-8.
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    throw new MalformedFormError(`${what} has a broken %-escape or bytes that are not UTF-8`);
  }
}

/** The options @fastify/formbody is registered with: this parser, and forms of at most 64 KiB. */
export const FORM_BODY_OPTIONS = { parser: parseForm, bodyLimit: 64 * 1024 };
