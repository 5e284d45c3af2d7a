import { ConsentQuery, ConsentSetResult, ConsentVersion, SetConsentInput } from "../../../sdk/schemas/index.js";
import type { Deps } from "../../domain/deps.js";
import { getConsentText, setConsentText } from "../../domain/consent/versions.js";
import type { RouteTable } from "../route.js";

/** Room for a 64 KB text written out as JSON (escapes make it longer); the service holds the text itself to 64 KB (413). */
const CONSENT_BODY_LIMIT = 512 * 1024;

/** The practice's telehealth consent text (R26): set a new version, read the current one or an earlier one. */
export function consentRoutes(t: RouteTable, deps: Deps): void {
  const tag = "practice";
  t.add({ method: "PUT", access: "manage", url: "/practice/consent", operationId: "setConsentText", problems: [413], tag,
    summary: "Set the practice's telehealth consent text: a new version unless it is the current text again (owner or manager; R26)",
    body: SetConsentInput, reply: ConsentSetResult, bodyLimit: CONSENT_BODY_LIMIT,
    handler: ({ actor, body }) => setConsentText(deps, actor, body) });
  t.add({ method: "GET", access: "see", url: "/practice/consent", operationId: "getConsentText", problems: [404], tag,
    summary: "The practice's current telehealth consent text, or ?version=N (any staff member; R26)", query: ConsentQuery, reply: ConsentVersion,
    handler: ({ actor, query }) => {
      const { version } = ConsentQuery.parse(query);
      return getConsentText(deps, actor, version === undefined ? undefined : Number(version));
    } });
}
