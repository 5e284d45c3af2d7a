/** R25 on the terminal: warnings for appointments that went ahead in a state the therapist is not licensed in, one line per therapist. */
import { stateLabel, type Appointment } from "../../../sdk/schemas/index.js";
import type { CommandContext } from "../../context.js";
import { plural, warn } from "../../output.js";

/** One warning line per therapist (stderr), however many appointments: "therapist stf_1 is not licensed in CA, NJ: 12 appointments". */
export function warnUnlicensed(ctx: CommandContext, warnings: readonly { therapistId: string; state: string }[], verb = "went ahead"): void {
  const byTherapist = new Map<string, { states: Set<string>; count: number }>();
  for (const w of warnings) {
    const entry = byTherapist.get(w.therapistId) ?? { states: new Set<string>(), count: 0 };
    entry.states.add(w.state);
    entry.count++;
    byTherapist.set(w.therapistId, entry);
  }
  for (const [therapistId, { states, count }] of byTherapist) {
    warn(ctx.io, ctx.paintErr,
      `therapist ${therapistId} is not licensed in ${[...states].sort().join(", ")}: ${plural(count, "telehealth appointment")} ${verb} (R25; the practice's licensure setting is warn).`);
  }
}

/** The same for one appointment's reply (create, convert one). */
export function warnAppointmentUnlicensed(ctx: CommandContext, a: Appointment, state: string | null): void {
  if (a.telehealth && a.licensure === "unlicensed_state") warnUnlicensed(ctx, [{ therapistId: a.therapistId, state: state ?? "the client's state" }]);
}

/** "New York (NY), at home (POS 10)" for a session's location. */
export function locationText(loc: NonNullable<NonNullable<Appointment["session"]>["location"]>): string {
  if (loc.place === "outside_us") return "outside the U.S. (cannot join)";
  return `${stateLabel(loc.state ?? "")}, ${loc.place === "home" ? "at home" : "elsewhere"}${loc.callbackPhone ? `; callback ${loc.callbackPhone}` : ""}`;
}
