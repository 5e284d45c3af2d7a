/**
 * How results look: `--json` documents checked against the shared schemas, tidy tables, times in
 * the practice's time zone, one-line confirmations on stdout, and warnings, notes and progress
 * on stderr.
 */
import type { z } from "zod";
import type { Io } from "./io.js";
import { clockInZone, localDateInZone } from "../sdk/schemas/time.js";

/** Text styles; each is the identity when colour is off. */
export interface Paint {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
}

const plain: Paint = { bold: (t) => t, dim: (t) => t, red: (t) => t, yellow: (t) => t, green: (t) => t };

/** Styles for one stream; chalk is loaded only when colour is on. */
export async function paintFor(color: boolean): Promise<Paint> {
  if (!color) return plain;
  const { Chalk } = await import("chalk");
  const chalk = new Chalk({ level: 1 });
  return { bold: chalk.bold, dim: chalk.dim, red: chalk.red, yellow: chalk.yellow, green: chalk.green };
}

/**
 * Prints the documented JSON shape: the value is parsed with the shared schema, so fields the
 * server added are dropped and a missing field fails loudly instead of printing a wrong document.
 */
export function printJson<S extends z.ZodType>(io: Io, schema: S, value: unknown): void {
  io.out(`${jsonText(schema.parse(value), 2)}\n`);
}

/** Prints a JSON document the contract does not fix a schema for (for example `{token}`). */
export function printJsonValue(io: Io, value: unknown): void {
  io.out(`${jsonText(value, 2)}\n`);
}

/** Columns padded to the widest cell; the header in bold. */
export function table(paint: Paint, headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))));
  const line = (cells: string[], style = (t: string) => t) =>
    cells.map((cell, i) => style(cell) + " ".repeat(widths[i] - width(cell))).join("  ").trimEnd();
  return [line(headers, paint.bold), ...rows.map((r) => line(r))].join("\n") + "\n";
}

function width(text: string): number {
  return [...text].length;
}

/** An ISO instant as `2026-12-01 15:00` in the given IANA time zone (time.ts keeps the per-zone caches). */
export function formatTime(iso: string | undefined, timeZone: string): string {
  if (!iso) return "";
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${localDateInZone(ms, timeZone)} ${clockInZone(ms, timeZone)}`;
}

/** Minutes between two ISO instants. */
export function minutesBetween(start: string, end: string): number {
  return Math.round((Date.parse(end) - Date.parse(start)) / 60_000);
}

/** "1 appointment", "3 appointments". */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? word : many}`;
}

/** A warning line on stderr. */
export function warn(io: Io, paint: Paint, message: string): void {
  io.err(`${paint.yellow("Warning:")} ${message}\n`);
}

/** An informational line on stderr (never part of the result). */
export function note(io: Io, message: string): void {
  io.err(`${message}\n`);
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * Shows a spinner and the elapsed time on stderr while `work` runs (on a terminal only). Ctrl-C
 * meanwhile clears the line and says what became of the work (`onInterrupt`), then exits 130.
 */
export async function withProgress<T>(io: Io, label: string, work: Promise<T>, onInterrupt = "Nothing more was sent."): Promise<T> {
  if (!io.stderrIsTTY) return work;
  const started = Date.now();
  let frame = 0;
  const draw = () => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    io.err(`\r${FRAMES[frame++ % FRAMES.length]} ${label} ${seconds}s`);
  };
  draw();
  const timer = setInterval(draw, 100);
  const stopListening = io.onInterrupt?.(() => {
    clearInterval(timer);
    return `\r\u001b[2KInterrupted (Ctrl-C) while ${label.charAt(0).toLowerCase()}${label.slice(1)}. ${onInterrupt}\n`;
  });
  try {
    return await work;
  } finally {
    clearInterval(timer);
    stopListening?.();
    io.err("\r\u001b[2K");
  }
}

// The CLI's second wall against text that lies about itself. The server refuses control characters in
// names (sdk/schemas/common.ts), but rows written before that rule, or a server of another version, may
// still send them: an ESC in a client's name must not recolour, move or clear the terminal, and a bidi
// override must not make a line read backwards. In human mode every value the SDK returns passes
// through `printable` (terminalSafe), and `--json` documents escape what JSON.stringify leaves raw.

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
