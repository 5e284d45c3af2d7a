import type { CsvBody, HttpClient, RequestOptions } from "../http.js";
import {
  Appointment,
  AppointmentPage,
  ConversionResult,
  SignInLink,
  ExportList,
  type ExportQuery,
  type ExportRecord,
  type AppointmentQuery,
  type CancelInput,
  type ConvertInput,
  type RescheduleInput,
  type SetStatusInput,
  type CreateAppointmentInput,
  type ImportResult,
  type Page,
} from "../schemas/index.js";
import { API, everyItem, queryText, segment, sendImport, type ImportOptions } from "./common.js";

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

  /**
   * One page of the appointments matching the query, in start order (`order: "desc"`: latest first);
   * times without an offset are read in the practice's time zone. `limit`: 1 to 1000 (100 by default);
   * pass the page's `nextCursor` as `cursor`, with the same filters, for the next page (null: the last).
   */
  list(query: AppointmentQuery = {}, options?: RequestOptions): Promise<Page<Appointment>> {
    return this.http.send({ method: "GET", path: `${API}/appointments`, query: queryText(query) }, AppointmentPage, options);
  }

  /** Every appointment matching the query, page after page: `for await (const a of tele.appointments.iterate({...}))`. */
  iterate(query: Omit<AppointmentQuery, "cursor"> = {}, options?: RequestOptions): AsyncGenerator<Appointment, void, undefined> {
    return everyItem((cursor) => this.list({ ...query, cursor }, options));
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

  /**
   * Cancels an appointment (R22): every link to its session stops working and open session pages
   * are told. Already cancelled: 409 `already_cancelled`; completed or no-show: 409 `not_cancellable`.
   */
  cancel(id: string, input: CancelInput = {}, options?: RequestOptions): Promise<Appointment> {
    return this.http.send({ method: "POST", path: `${API}/appointments/${segment("appointment", id)}/cancel`, json: input }, Appointment, options);
  }

  /**
   * Moves an appointment (R22): same id, same session page address; R4, R5, the past-start and
   * overlap rules are checked again. A joined session, or a past, completed or cancelled appointment:
   * 409 `not_reschedulable`.
   */
  reschedule(id: string, input: RescheduleInput, options?: RequestOptions): Promise<Appointment> {
    return this.http.send({ method: "POST", path: `${API}/appointments/${segment("appointment", id)}/reschedule`, json: input }, Appointment, options);
  }

  /** An owner's or manager's correction of an appointment's outcome (R24): completed, no_show or cancelled. */
  setStatus(id: string, input: SetStatusInput, options?: RequestOptions): Promise<Appointment> {
    return this.http.send({ method: "POST", path: `${API}/appointments/${segment("appointment", id)}/status`, json: input }, Appointment, options);
  }

  /** Bulk conversion by ids, therapist, client and date range (R8); atomic and idempotent. */
  convert(input: ConvertInput, options?: RequestOptions): Promise<ConversionResult> {
    return this.http.send({ method: "POST", path: `${API}/appointments/convert`, json: input }, ConversionResult, options);
  }

  /**
   * The billing export (R28): `from`/`to` (at most 366 days, read in the practice's zone) as CSV
   * (default) or JSON, streamed: iterate the chunks and write them on. Billers, owners and managers
   * get every appointment; a therapist only their own.
   */
  export(query: ExportQuery, options?: RequestOptions): Promise<AsyncIterable<string>> {
    const format = query.format ?? "csv";
    const req = { method: "GET" as const, path: `${API}/appointments/export`, query: { from: query.from, to: query.to, format } };
    return this.http.stream(req, format === "csv" ? "text/csv" : "application/json", options);
  }

  /** The export as records (JSON, read whole and checked with the schema): for ranges that fit in memory. */
  async exportRecords(query: Omit<ExportQuery, "format">, options?: RequestOptions): Promise<ExportRecord[]> {
    let text = "";
    for await (const chunk of await this.export({ ...query, format: "json" }, options)) text += chunk;
    return ExportList.parse(JSON.parse(text));
  }

  /**
   * Imports appointments from CSV (`therapist, client, start, duration_minutes`, optional `telehealth`).
   * Rows starting in the past or overlapping are bad rows unless `allowPast` / `allowOverlap`.
   */
  import(csvText: CsvBody, options: AppointmentImportOptions = {}): Promise<ImportResult> {
    const { allowPast, allowOverlap, notify, ...rest } = options;
    return sendImport(this.http, `${API}/appointments/import`, csvText, rest, { allowPast, allowOverlap, notify });
  }
}
