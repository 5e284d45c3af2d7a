import type { HttpClient, RequestOptions } from "../http.js";
import { AuditPage, InitResult, Practice, TokenRevocation, WhoAmI, type AuditEntry, type CreatePracticeInput, type Page, type UpdatePracticeInput } from "../schemas/index.js";
import { API, everyItem, queryText } from "./common.js";

/** Filters for the audit log. */
export interface AuditListQuery {
  recordId?: string;
  action?: string;
  /** A staff member's or client's id: only what they did. */
  actor?: string;
  /** Only entries at or after this time (ISO 8601; without an offset, in the practice's zone). */
  since?: string;
  /** Items per page: 1 to 1000 (100 by default). */
  limit?: number;
  /** The `nextCursor` of the page before. */
  cursor?: string;
}

/** The signed-in staff member and their practice. */
export function me(http: HttpClient, options?: RequestOptions): Promise<WhoAmI> {
  return http.send({ method: "GET", path: `${API}/me` }, WhoAmI, options);
}

/** Revokes the API token this client signs with (`tele logout`); it stops working at once. */
export function revokeOwnToken(http: HttpClient, options?: RequestOptions): Promise<TokenRevocation> {
  return http.send({ method: "POST", path: `${API}/me/token/revoke` }, TokenRevocation, options);
}

/** Creating practices (with the server's setup token) and changing the signed-in staff member's own. */
export class PracticesResource {
  constructor(private readonly http: HttpClient) {}

  /**
   * Creates a practice and its owner; the reply holds the owner's API token (shown once).
   * `setupToken` (the server's TELE_SETUP_TOKEN) is sent instead of the client's token when given.
   */
  create(input: CreatePracticeInput, setupToken?: string, options: RequestOptions = {}): Promise<InitResult> {
    const withToken = setupToken ? { ...options, token: setupToken } : options;
    return this.http.send({ method: "POST", path: `${API}/practices`, json: input }, InitResult, withToken);
  }

  /** The signed-in staff member's practice and its settings. */
  async get(options?: RequestOptions): Promise<Practice> {
    return (await me(this.http, options)).practice;
  }

  /**
   * Changes the practice's settings (owner or manager); only those given change: `name`, `timeZone`
   * (IANA), `contact` (shown when video cannot start; `""` or `null` clears it), `joinWindowMinutes`
   * (R13, 0–120) and `autoCompleteMinutes` (R18, 5–1440). Returns the practice.
   */
  update(input: UpdatePracticeInput, options?: RequestOptions): Promise<Practice> {
    return this.http.send({ method: "PATCH", path: `${API}/practice`, json: input }, Practice, options);
  }
}

/** The append-only audit log of changes and reads of client data (R20). */
export class AuditResource {
  constructor(private readonly http: HttpClient) {}

  /** One page of audit entries, newest first (owner or manager only). */
  list(query: AuditListQuery = {}, options?: RequestOptions): Promise<Page<AuditEntry>> {
    return this.http.send({ method: "GET", path: `${API}/audit`, query: queryText(query) }, AuditPage, options);
  }

  /** Every matching entry, newest first, page after page. */
  iterate(query: Omit<AuditListQuery, "cursor"> = {}, options?: RequestOptions): AsyncGenerator<AuditEntry, void, undefined> {
    return everyItem((cursor) => this.list({ ...query, cursor }, options));
  }
}
