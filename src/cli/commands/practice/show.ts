/** `tele practice show`: the practice and its settings (any staff member). */
import { Practice } from "../../../sdk/schemas/index.js";
import type { CommandContext, RawArgs } from "../../context.js";
import { printJson } from "../../output.js";
import { LICENSURE_TEXT, reminderText } from "./set.js";

/** Prints the practice: `--json` the practice object, else one setting a line. */
export async function run(ctx: CommandContext, _args: RawArgs): Promise<number> {
  const practice = await (await ctx.tele()).practices.get();
  if (ctx.json) {
    printJson(ctx.io, Practice, practice);
    return 0;
  }
  const rows = [
    ["ID", practice.id],
    ["Name", practice.name],
    ["State", practice.state],
    ["Time zone", practice.timeZone],
    ["Contact", practice.contact ?? `none; set it with "tele practice set --contact TEXT"`],
    ["Join window", `${practice.joinWindowMinutes} minutes before the start (R13)`],
    ["Auto-complete", `${practice.autoCompleteMinutes} minutes after the end (R18)`],
    ["Licensure", `${LICENSURE_TEXT[practice.licensure]} (R25)`],
    ["Reminders", practice.reminderMinutes.length ? `${reminderText(practice.reminderMinutes)} before each telehealth appointment (R23)` : `none; set them with "tele practice set --reminders 24h,1h"`],
    ["Portal", practice.portalUrl],
  ];
  for (const [label, value] of rows) ctx.io.out(`${ctx.paint.bold(label!.padEnd(13))}  ${value}\n`);
  return 0;
}
