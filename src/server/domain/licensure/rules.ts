/**
 * R25: a telehealth appointment whose client is in a state the therapist is not licensed in is
 * flagged (`warn`), refused (`refuse`, 422 `not_licensed_in_state`) or let be (`off`), as the
 * practice sets. tele records and compares; whether a compact or an exemption covers a case is the
 * practice's call, not tele's.
 */
import type { Appointment, ConversionResult, LicensureSetting } from "../../../sdk/schemas/index.js";
import type { Repos } from "../../db/repos.js";
import type { StaffRow } from "../../db/types.js";
import { refused } from "../errors.js";

export type Licensure = Appointment["licensure"];
export type LicensureWarning = ConversionResult["warnings"][number];

/** "ok" when `state` is among the therapist's states, "unknown" when either is not recorded. */
export function licensureOf(licensedIn: readonly string[] | undefined, state: string | null | undefined): Licensure {
  if (!licensedIn?.length || !state) return "unknown";
  return licensedIn.includes(state.toUpperCase()) ? "ok" : "unlicensed_state";
}

/** The refusal under `refuse`: ids and state codes only. */
export function notLicensedInState(therapistId: string, state: string) {
  return refused("not_licensed_in_state",
    `staff member ${therapistId} is not licensed in ${state}, and the practice refuses telehealth where the therapist is not licensed (R25)`,
    { therapistId, state });
}

/** The practice's licensure setting (default `warn`). */
export async function licensureSetting(r: Pick<Repos, "practices">, practiceId: string): Promise<LicensureSetting> {
  return (await r.practices.byId(practiceId))?.licensure ?? "warn";
}

/**
 * Judges one telehealth appointment of `therapist` with a client in `state`: throws under `refuse`
 * when not licensed there, else returns what the appointment's `licensure` says.
 */
export async function judgeTelehealth(r: Pick<Repos, "practices">, practiceId: string, therapist: Pick<StaffRow, "id" | "licensedIn">, state: string | null): Promise<Licensure> {
  const status = licensureOf(therapist.licensedIn, state);
  if (status === "unlicensed_state" && (await licensureSetting(r, practiceId)) === "refuse") throw notLicensedInState(therapist.id, state!);
  return status;
}
