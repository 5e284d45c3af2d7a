/**
 * The CLI's second wall against text that lies about itself. The server refuses control characters
 * in names (sdk/schemas/common.ts), but rows written before that rule, or a server of another
 * version, may still send them: an ESC in a client's name must not recolour, move or clear the
 * user's terminal, and a bidi override must not make a line read backwards. Every value the SDK
 * returns to a command in human mode passes through `printable`, and `--json` documents escape the
 * characters JSON.stringify leaves raw.
 */

// C0 and C1 controls, DEL, line/paragraph separators, bidi marks, embeddings, overrides and isolates.
const UNSAFE = /[\p{Cc}\p{Zl}\p{Zp}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

// What JSON.stringify leaves unescaped of the above (it escapes U+0000 to U+001F itself).
const JSON_UNSAFE = /[\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

function hex(ch: string, digits: number): string {
  return ch.codePointAt(0)!.toString(16).padStart(digits, "0");
}

/** `text` with every unsafe character shown as a visible escape (`\x1b`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(UNSAFE, (ch) => (ch.codePointAt(0)! <= 0xff ? `\\x${hex(ch, 2)}` : `\\u${hex(ch, 4)}`));
}

/** A reply with `printable` applied to every string in it (plain objects and arrays only). */
export function printableDeep<T>(value: T): T {
  if (typeof value === "string") return printable(value) as T;
  if (Array.isArray(value)) return value.map(printableDeep) as T;
  if (value !== null && typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printableDeep(v)])) as T;
  }
  return value;
}

/**
 * The SDK client as human-mode commands see it: every method's result (and every nested resource's)
 * goes through `printableDeep`, so no command can forget to clean a server value before printing it.
 */
export function terminalSafe<T extends object>(target: T): T {
  return new Proxy(target, {
    get(obj, key) {
      const value: unknown = Reflect.get(obj, key, obj);
      if (typeof value === "function") {
        return (...args: unknown[]) => {
          const result: unknown = value.apply(obj, args);
          return result instanceof Promise ? result.then(printableDeep) : printableDeep(result);
        };
      }
      if (value !== null && typeof value === "object") return terminalSafe(value);
      return printableDeep(value);
    },
  });
}

/** JSON text for `--json`: the same value, with C1 controls, separators and bidi controls as `\uXXXX`. */
export function jsonText(value: unknown, indent?: number): string {
  return (JSON.stringify(value, null, indent) ?? "null").replace(JSON_UNSAFE, (ch) => `\\u${hex(ch, 4)}`);
}
