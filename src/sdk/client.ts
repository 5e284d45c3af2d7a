import { HttpClient, type HttpOptions, type RequestOptions } from "./http.js";
import { AppointmentsResource } from "./resources/appointments.js";
import { ClientsResource, PortalResource } from "./resources/clients.js";
import { ConsentResource } from "./resources/consent.js";
import { MailResource } from "./resources/mail.js";
import { AuditResource, me, PracticesResource, revokeOwnToken } from "./resources/practice.js";
import { StaffResource } from "./resources/staff.js";
import type { TokenRevocation, WhoAmI } from "./schemas/index.js";

/** Settings of a Tele client: the server, the API token, and retry and timeout tuning. */
export type TeleOptions = HttpOptions;

/**
 * A typed client for one tele server.
 *
 * ```ts
 * const tele = new Tele({ url: "http://127.0.0.1:8080", token: process.env.TELE_TOKEN });
 * const result = await tele.appointments.convert({ therapist: "ana@example.com", dryRun: true });
 * ```
 * Every reply is checked against the shared zod schemas; failures are typed (see errors.ts).
 */
export class Tele {
  /** Staff members and their Teletherapy permission. */
  readonly staff: StaffResource;
  /** Clients, portal invites and client CSV import. */
  readonly clients: ClientsResource;
  /** Appointments, conversion and appointment CSV import. */
  readonly appointments: AppointmentsResource;
  /** Outgoing mail. */
  readonly mail: MailResource;
  /** Practice creation (setup token) and the practice's settings. */
  readonly practices: PracticesResource;
  /** The audit log. */
  readonly audit: AuditResource;
  /** The practice's telehealth consent text and its versions (R26). */
  readonly consent: ConsentResource;
  /** Client portal sign-up and password reset (public). */
  readonly portal: PortalResource;
  private readonly http: HttpClient;

  constructor(options: TeleOptions) {
    this.http = new HttpClient(options);
    this.staff = new StaffResource(this.http);
    this.clients = new ClientsResource(this.http);
    this.appointments = new AppointmentsResource(this.http);
    this.mail = new MailResource(this.http);
    this.practices = new PracticesResource(this.http);
    this.audit = new AuditResource(this.http);
    this.consent = new ConsentResource(this.http);
    this.portal = new PortalResource(this.http);
  }

  /** The server's origin, without credentials. */
  get url(): string {
    return this.http.origin;
  }

  /** The signed-in staff member and their practice (also a cheap way to check a token). */
  me(options?: RequestOptions): Promise<WhoAmI> {
    return me(this.http, options);
  }

  /** Revokes the token this client signs with (signing out); `changed` is false when it was already revoked. */
  revokeOwnToken(options?: RequestOptions): Promise<TokenRevocation> {
    return revokeOwnToken(this.http, options);
  }
}
