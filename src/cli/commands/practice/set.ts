/**
 * `tele practice set [--name] [--timezone] [--contact] [--join-window-minutes N] [--auto-complete-minutes N] [--reminders 24h,1h]`:
 * the practice's settings (owner or manager).
 */
import { Practice, UpdatePracticeInput } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { UsageError, helpHint } from "../../errors.js";
import { printJson } from "../../output.js";
import { checkedInput, wholeNumber } from "../../values.js";

const FLAGS = {
  name: "--name", timeZone: "--timezone", contact: "--contact",
  joinWindowMinutes: "--join-window-minutes", autoCompleteMinutes: "--auto-complete-minutes", licensure: "--licensure", reminderMinutes: "--reminders",
};

/** What each licensure setting does, in a line (practice show uses it too). */
export const LICENSURE_TEXT = {
  off: "off: states are not compared",
  warn: "warn: telehealth where the therapist is not licensed goes ahead, flagged",
  refuse: "refuse: telehealth where the therapist is not licensed is refused",
} as const;

const UNIT_MINUTES: Record<string, number> = { m: 1, h: 60, d: 1440 };

/** `24h,1h` → [1440, 60]; `""` → [] (no reminders). Each offset is a whole number and a unit: m, h or d. */
export function reminderList(ctx: CommandContext, text: string): number[] {
  if (text.trim() === "") return [];
  return text.split(",").map((part) => {
    const m = /^\s*(\d{1,5})\s*([mhd])\s*$/i.exec(part);
    if (!m) throw new UsageError(`--reminders must be offsets such as 24h,1h or 30m (m, h or d), or "" for none (got ${part.trim().slice(0, 20) || "an empty offset"})`, helpHint(ctx.command));
    return Number(m[1]) * UNIT_MINUTES[m[2]!.toLowerCase()]!;
  });
}

/** [1440, 60] → "24h, 1h"; [] → "none". */
export const reminderText = (minutes: number[]) =>
  minutes.length ? minutes.map((n) => (n % 60 ? `${n}m` : `${n / 60}h`)).join(", ") : "none";

/** The change the flags ask for, checked with the API's schema before any request. */
export function practiceChange(ctx: CommandContext, flags: RawArgs["flags"]): UpdatePracticeInput {
  // Never prompted for: `--contact ""` is a real answer (clear it), so only missing flags mean nothing to set.
  const input: Record<string, unknown> = {};
  if (flags.name !== undefined) input.name = flags.name;
  if (flags.timezone !== undefined) input.timeZone = flags.timezone;
  if (flags.contact !== undefined) input.contact = flags.contact;
  if (flags.licensure !== undefined) input.licensure = String(flags.licensure).trim().toLowerCase();
  if (typeof flags.reminders === "string") input.reminderMinutes = reminderList(ctx, flags.reminders);
  for (const key of ["joinWindowMinutes", "autoCompleteMinutes"] as const) {
    const value = flags[key];
    if (typeof value === "string") input[key] = wholeNumber(ctx, value, FLAGS[key], "a whole number of minutes");
  }
  if (Object.keys(input).length === 0) {
    throw new UsageError(`nothing to set: give at least one of ${Object.values(FLAGS).join(", ")} (--contact "" clears the contact, --reminders "" turns reminders off)`, helpHint(ctx.command));
  }
  return checkedInput(ctx, UpdatePracticeInput, input, FLAGS);
}

/** Sets what was asked and says, one line a setting, what it is now. */
export async function run(ctx: CommandContext, args: RawArgs): Promise<number> {
  const change = practiceChange(ctx, args.flags);
  const practice = await (await ctx.tele()).practices.update(change);
  if (ctx.json) {
    printJson(ctx.io, Practice, practice);
    return 0;
  }
  if (change.contact !== undefined) {
    ctx.io.out(practice.contact === null
      ? `Cleared the contact of ${practice.name}; clients see none when video cannot start.\n`
      : `Contact of ${practice.name} set to ${practice.contact}.\n`);
  }
  if (change.name !== undefined) ctx.io.out(`Practice renamed to ${practice.name}.\n`);
  if (change.timeZone !== undefined) ctx.io.out(`Time zone of ${practice.name} set to ${practice.timeZone}.\n`);
  if (change.joinWindowMinutes !== undefined) ctx.io.out(`Join window: ${practice.joinWindowMinutes} minutes before the start (R13).\n`);
  if (change.licensure !== undefined) ctx.io.out(`Licensure: ${LICENSURE_TEXT[practice.licensure]} (R25).\n`);
  if (change.autoCompleteMinutes !== undefined) ctx.io.out(`Open sessions complete on their own ${practice.autoCompleteMinutes} minutes after the end (R18).\n`);
  if (change.reminderMinutes !== undefined) {
    ctx.io.out(practice.reminderMinutes.length
      ? `Reminders: ${reminderText(practice.reminderMinutes)} before each telehealth appointment (R23).\n`
      : `Reminders turned off for ${practice.name}.\n`);
  }
  return 0;
}
