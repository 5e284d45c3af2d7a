import type { SessionLocation } from "../../../sdk/schemas/index.js";
import type { SessionRow } from "../../db/types.js";

/** R27: the client's answer on a session record, as the API shows it; undefined until they answered. */
export function locationOf(rec: SessionRow | undefined): SessionLocation | undefined {
  if (!rec?.locationPlace || rec.locationAt == null) return undefined;
  return { state: rec.locationState ?? null, place: rec.locationPlace, callbackPhone: rec.callbackPhone ?? null, at: new Date(rec.locationAt).toISOString() };
}

/** R28 from the answer and the call: home → POS 10, elsewhere → 02; audio-only → modifier 93, else 95. Null without a U.S. location. */
export function billingCodes(rec: Pick<SessionRow, "locationPlace" | "audioOnly">): { placeOfService: "10" | "02"; modifier: "95" | "93" } | null {
  if (rec.locationPlace !== "home" && rec.locationPlace !== "elsewhere") return null;
  return { placeOfService: rec.locationPlace === "home" ? "10" : "02", modifier: rec.audioOnly ? "93" : "95" };
}
