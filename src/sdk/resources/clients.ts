import type { CsvBody, HttpClient, RequestOptions } from "../http.js";
import {
  ArchiveClientResult,
  Client,
  ClientDetail,
  ClientPage,
  PortalAccount,
  PortalInviteResult,
  type ArchiveClientInput,
  type CreateClientInput,
  type ImportResult,
  type PortalPasswordInput,
  type ClientQuery,
  type Page,
  type UpdateClientInput,
} from "../schemas/index.js";
import { API, everyItem, queryText, segment, sendImport, type ImportOptions } from "./common.js";

/** The practice's clients and their portal invites (R4, R10, R11). */
export class ClientsResource {
  constructor(private readonly http: HttpClient) {}

  /**
   * One page of the clients the signed-in staff member may see (therapists: their own), by name;
   * `search` (in name or email), `state` and `portal` narrow it. Paging as in `appointments.list`.
   */
  list(query: ClientQuery = {}, options?: RequestOptions): Promise<Page<Client>> {
    return this.http.send({ method: "GET", path: `${API}/clients`, query: queryText(query) }, ClientPage, options);
  }

  /** Every matching client, page after page. */
  iterate(query: Omit<ClientQuery, "cursor"> = {}, options?: RequestOptions): AsyncGenerator<Client, void, undefined> {
    return everyItem((cursor) => this.list({ ...query, cursor }, options));
  }

  /** Adds a client; `state` null or absent means the client lives outside the U.S. (R4). */
  add(input: CreateClientInput, options?: RequestOptions): Promise<Client> {
    return this.http.send({ method: "POST", path: `${API}/clients`, json: input }, Client, options);
  }

  /** One client, by id or email, with their next scheduled appointments (`upcoming`, at most 20; `upcomingMore`). */
  get(ref: string, options?: RequestOptions): Promise<ClientDetail> {
    return this.http.send({ method: "GET", path: `${API}/clients/${segment("client", ref)}` }, ClientDetail, options);
  }

  /**
   * Changes a client (owner or manager): only the fields given change; null clears email, state,
   * phone or date of birth. A new email revokes pending invite and reset links (send a new invite).
   */
  update(ref: string, input: UpdateClientInput, options?: RequestOptions): Promise<Client> {
    return this.http.send({ method: "PATCH", path: `${API}/clients/${segment("client", ref)}`, json: input }, Client, options);
  }

  /**
   * Archives a client (owner or manager): hidden from lists, history kept, no portal sign-in, no new
   * invites or appointments. Refused (409 `has_upcoming_appointments`) while the client has upcoming
   * scheduled appointments, unless `cancelUpcoming` cancels them with it. Idempotent (`changed`).
   */
  archive(ref: string, input: ArchiveClientInput = {}, options?: RequestOptions): Promise<ArchiveClientResult> {
    return this.http.send({ method: "POST", path: `${API}/clients/${segment("client", ref)}/archive`, json: input }, ArchiveClientResult, options);
  }

  /** Sends (or re-sends) the portal invite, or a password-reset link when the client has an account. */
  invite(ref: string, options?: RequestOptions): Promise<PortalInviteResult> {
    const path = `${API}/clients/${segment("client", ref)}/invite`;
    return this.http.send({ method: "POST", path }, PortalInviteResult, options);
  }

  /** Imports clients from CSV (`name, email, state`, optional `phone, date_of_birth`); all or nothing. */
  import(csvText: CsvBody, options?: ImportOptions): Promise<ImportResult> {
    return sendImport(this.http, `${API}/clients/import`, csvText, options);
  }
}

/** What a client does with an emailed link: sign up through an invite, or reset a password. */
export class PortalResource {
  constructor(private readonly http: HttpClient) {}

  /** Sets the client's password through a portal invite link (R10); public, no token needed. */
  signup(input: PortalPasswordInput, options?: RequestOptions): Promise<PortalAccount> {
    return this.http.send({ method: "POST", path: `${API}/portal/signup`, json: input }, PortalAccount, options);
  }

  /** Sets a new password through a reset link (R11); public, no token needed. */
  reset(input: PortalPasswordInput, options?: RequestOptions): Promise<PortalAccount> {
    return this.http.send({ method: "POST", path: `${API}/portal/reset`, json: input }, PortalAccount, options);
  }
}
