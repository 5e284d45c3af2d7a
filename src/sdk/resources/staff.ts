import type { HttpClient, RequestOptions } from "../http.js";
import {
  ApiToken,
  ApiTokenList,
  Deactivation,
  Staff,
  StaffInviteResult,
  StaffPage,
  TeletherapyChange,
  TokenRevocation,
  type ApiTokenInfo,
  type CreateStaffInput,
  type DisableTeletherapyInput,
  type Page,
  type StaffQuery,
  type UpdateStaffInput,
} from "../schemas/index.js";
import { API, everyItem, queryText, segment } from "./common.js";

/** A staff member's API tokens, by id: listed without the tokens, revoked one at a time (owner or manager). */
export class StaffTokens {
  constructor(private readonly http: HttpClient) {}

  /** Ids and times (created, last used, revoked) of a staff member's tokens, newest first; never the tokens. */
  list(ref: string, options?: RequestOptions): Promise<ApiTokenInfo[]> {
    return this.http.send({ method: "GET", path: `${API}/staff/${segment("staff", ref)}/tokens` }, ApiTokenList, options);
  }

  /** Revokes one token at once; `changed` is false when it was already revoked. */
  revoke(tokenId: string, options?: RequestOptions): Promise<TokenRevocation> {
    return this.http.send({ method: "POST", path: `${API}/tokens/${segment("token", tokenId)}/revoke` }, TokenRevocation, options);
  }
}

/** Staff members of the practice and their Teletherapy permission (R1–R3). */
export class StaffResource {
  /** `tele.staff.tokens.list(ref)`, `tele.staff.tokens.revoke(tokenId)`. */
  readonly tokens: StaffTokens;
  constructor(private readonly http: HttpClient) {
    this.tokens = new StaffTokens(http);
  }

  /**
   * Cuts a staff member off (owner or manager; an owner only by an owner): every API token revoked,
   * every browser session ended, every invite and sign-in link dead; history kept. The last active
   * owner cannot be deactivated (409 `last_owner`). Idempotent.
   */
  deactivate(ref: string, options?: RequestOptions): Promise<Deactivation> {
    return this.http.send({ method: "POST", path: `${API}/staff/${segment("staff", ref)}/deactivate` }, Deactivation, options);
  }

  /** One page of the staff by name (therapists see only themselves); paging as in `appointments.list`. */
  list(query: StaffQuery = {}, options?: RequestOptions): Promise<Page<Staff>> {
    return this.http.send({ method: "GET", path: `${API}/staff`, query: queryText(query) }, StaffPage, options);
  }

  /** Everyone on staff, page after page. */
  iterate(query: Omit<StaffQuery, "cursor"> = {}, options?: RequestOptions): AsyncGenerator<Staff, void, undefined> {
    return everyItem((cursor) => this.list({ ...query, cursor }, options));
  }

  /** Adds a staff member with one or more roles (owner or manager only). */
  add(input: CreateStaffInput, options?: RequestOptions): Promise<Staff> {
    return this.http.send({ method: "POST", path: `${API}/staff`, json: input }, Staff, options);
  }

  /**
   * Changes a staff member's name, email or roles (`roles` replaces the set). Only an owner changes an
   * owner or the owner role; the last active owner stays one (409 `last_owner`); removing the therapist
   * role turns Teletherapy off, refused while telehealth is upcoming (409 `upcoming_telehealth`).
   */
  update(ref: string, input: UpdateStaffInput, options?: RequestOptions): Promise<Staff> {
    return this.http.send({ method: "PATCH", path: `${API}/staff/${segment("staff", ref)}`, json: input }, Staff, options);
  }

  /** One staff member, by id or email. */
  get(ref: string, options?: RequestOptions): Promise<Staff> {
    return this.http.send({ method: "GET", path: `${API}/staff/${segment("staff", ref)}` }, Staff, options);
  }

  /** Turns Teletherapy on (R2: owner or manager; the staff member must be a therapist). Idempotent. */
  enableTeletherapy(ref: string, options?: RequestOptions): Promise<TeletherapyChange> {
    const path = `${API}/staff/${segment("staff", ref)}/teletherapy/enable`;
    return this.http.send({ method: "POST", path }, TeletherapyChange, options);
  }

  /**
   * Turns Teletherapy off. With `upcoming: "refuse"` (the default) the server refuses with 409
   * `upcoming_telehealth` (a RuleRefusedError whose `details.appointments` lists them) when
   * upcoming telehealth appointments exist; `"convert_to_in_person"` converts them (R3).
   */
  disableTeletherapy(ref: string, input: Partial<DisableTeletherapyInput> = {}, options?: RequestOptions): Promise<TeletherapyChange> {
    const path = `${API}/staff/${segment("staff", ref)}/teletherapy/disable`;
    const json = { upcoming: input.upcoming ?? "refuse" };
    return this.http.send({ method: "POST", path, json }, TeletherapyChange, options);
  }

  /** Emails a fresh invite to set a browser password (owner or manager only); earlier invite links stop working. */
  invite(ref: string, options?: RequestOptions): Promise<StaffInviteResult> {
    const path = `${API}/staff/${segment("staff", ref)}/invite`;
    return this.http.send({ method: "POST", path }, StaffInviteResult, options);
  }

  /** Mints an API token for a staff member (owner or manager only); the token is shown once. */
  createToken(ref: string, options?: RequestOptions): Promise<ApiToken> {
    const path = `${API}/staff/${segment("staff", ref)}/tokens`;
    return this.http.send({ method: "POST", path }, ApiToken, options);
  }
}

/** The appointment ids an `upcoming_telehealth` refusal names (R3), or [] for any other error. */
export function upcomingTelehealthIds(err: unknown): string[] {
  const e = err as { code?: unknown; details?: { appointments?: unknown } } | undefined;
  if (e?.code !== "upcoming_telehealth") return [];
  const ids = e.details?.appointments;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
}
