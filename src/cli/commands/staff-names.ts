/** Staff names for human tables that carry staff ids (one request, only in human mode). */
import type { CommandContext } from "../context.js";

/** The practice's staff by id (deactivated ones too: their history still names them). */
export async function staffNames(ctx: CommandContext): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for await (const s of (await ctx.tele()).staff.iterate()) names.set(s.id, s.name);
  return names;
}

/** "Tina Therapist (stf_…)", or the id alone when the name is not known. */
export function named(names: Map<string, string>, id: string): string {
  const name = names.get(id);
  return name ? `${name} (${id})` : id;
}
