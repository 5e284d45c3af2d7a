import type { HttpClient, RequestOptions } from "../http.js";
import { MailList, type Mail, type MailStatus } from "../schemas/index.js";
import { API } from "./common.js";

/** Filters for the outgoing mail list. */
export interface MailListQuery {
  /** Only mail to this address. */
  to?: string;
  status?: MailStatus;
}

/** The practice's outgoing mail and its delivery status (R21: undeliverable mail is kept and retried). */
export class MailResource {
  constructor(private readonly http: HttpClient) {}

  /** Outgoing mail, newest first (owner or manager only). */
  list(query: MailListQuery = {}, options?: RequestOptions): Promise<Mail[]> {
    const path = `${API}/mail`;
    return this.http.send({ method: "GET", path, query: { to: query.to, status: query.status } }, MailList, options);
  }
}
