import type { HttpClient, RequestOptions } from "../http.js";
import {
  Appointment,
  AppointmentList,
  ConversionResult,
  SignInLink,
  type AppointmentQuery,
  type ConvertInput,
  type CreateAppointmentInput,
  type ImportResult,
} from "../schemas/index.js";
import { API, segment, sendImport, type ImportOptions } from "./common.js";

/** Appointments: scheduling, listing, and conversion to telehealth and back (R5–R8). */
/** Options of an appointment import. */
export interface AppointmentImportOptions extends ImportOptions {
  allowPast?: boolean;
  allowOverlap?: boolean;
  /** Email each telehealth appointment's client a confirmation (R23). */
  notify?: boolean;
}

export class AppointmentsResource {
  constructor(private readonly http: HttpClient) {}

  /** Appointments matching the query; times without an offset are read in the practice's time zone. */
  list(query: AppointmentQuery = {}, options?: RequestOptions): Promise<Appointment[]> {
    return this.http.send({ method: "GET", path: `${API}/appointments`, query: toQuery(query) }, AppointmentList, options);
  }

  /** Schedules one appointment; check `clientReady` for telehealth ones (R6). */
  create(input: CreateAppointmentInput, options?: RequestOptions): Promise<Appointment> {
    return this.http.send({ method: "POST", path: `${API}/appointments`, json: input }, Appointment, options);
  }

  /** One appointment by id. */
  get(id: string, options?: RequestOptions): Promise<Appointment> {
    return this.http.send({ method: "GET", path: `${API}/appointments/${segment("appointment", id)}` }, Appointment, options);
  }

  /**
   * Converts one appointment to telehealth (`true`) or back to in-person (R7). Past, cancelled
   * and completed appointments are refused with 409 `not_convertible` (a RuleRefusedError). The
   * client is emailed of the change unless `notify` is false (R23).
   */
  update(id: string, input: { telehealth: boolean; notify?: boolean }, options?: RequestOptions): Promise<Appointment> {
    const path = `${API}/appointments/${segment("appointment", id)}`;
    const json = input.notify === undefined ? { telehealth: input.telehealth } : { telehealth: input.telehealth, notify: input.notify };
    return this.http.send({ method: "PATCH", path, json }, Appointment, options);
  }

  /**
   * A single-use browser sign-in link for the signed-in staff member that opens the appointment's
   * session page (valid 2 minutes). Only its therapist, an owner or a manager may mint one (403 otherwise).
   */
  signInLink(id: string, options?: RequestOptions): Promise<SignInLink> {
    const path = `${API}/appointments/${segment("appointment", id)}/sign-in-link`;
    return this.http.send({ method: "POST", path }, SignInLink, options);
  }

  /** Bulk conversion by ids, therapist, client and date range (R8); atomic and idempotent. */
  convert(input: ConvertInput, options?: RequestOptions): Promise<ConversionResult> {
    return this.http.send({ method: "POST", path: `${API}/appointments/convert`, json: input }, ConversionResult, options);
  }

  /**
   * Imports appointments from CSV (`therapist, client, start, duration_minutes`, optional `telehealth`).
   * Rows starting in the past or overlapping are bad rows unless `allowPast` / `allowOverlap`.
   */
  import(csvText: string, options: AppointmentImportOptions = {}): Promise<ImportResult> {
    const { allowPast, allowOverlap, notify, ...rest } = options;
    return sendImport(this.http, `${API}/appointments/import`, csvText, rest, { allowPast, allowOverlap, notify });
  }
}

function toQuery(query: AppointmentQuery): Record<string, string | undefined> {
  const text = (value: unknown) => (value === undefined || value === null ? undefined : String(value));
  return {
    therapist: text(query.therapist),
    client: text(query.client),
    from: text(query.from),
    to: text(query.to),
    telehealth: text(query.telehealth),
    status: text(query.status),
    limit: text(query.limit),
  };
}
