import { TeleError } from "../errors.js";
import type { HttpClient, RequestOptions } from "../http.js";
import { Mail, MailMessage, MailPage, type MailStatus, type Page } from "../schemas/index.js";
import { API, everyItem, queryText } from "./common.js";

/** Filters and paging of the outgoing mail list. */
export interface MailListQuery {
  /** Only mail to this address. */
  to?: string;
  status?: MailStatus;
  /** Items per page: 1 to 1000 (100 by default). */
  limit?: number;
  /** The `nextCursor` of the page before. */
  cursor?: string;
}

/** The practice's outgoing mail and its delivery status (R21: undeliverable mail is kept and retried). */
export class MailResource {
  constructor(private readonly http: HttpClient) {}

  /** One page of outgoing mail, newest first (owner or manager only). */
  list(query: MailListQuery = {}, options?: RequestOptions): Promise<Page<Mail>> {
    return this.http.send({ method: "GET", path: `${API}/mail`, query: queryText(query) }, MailPage, options);
  }

  /** Every matching mail, newest first, page after page. */
  iterate(query: Omit<MailListQuery, "cursor"> = {}, options?: RequestOptions): AsyncGenerator<Mail, void, undefined> {
    return everyItem((cursor) => this.list({ ...query, cursor }, options));
  }

  /** One mail with its text; `text` is null once delivered (the body is not kept: it may have held a single-use link). */
  get(id: string, options?: RequestOptions): Promise<MailMessage> {
    return this.http.send({ method: "GET", path: `${API}/mail/${mailId(id)}` }, MailMessage, options);
  }

  /** Attempts a queued or failed mail again now (409 `mail_already_sent` for a sent one); the attempt follows within moments. */
  retry(id: string, options?: RequestOptions): Promise<Mail> {
    return this.http.send({ method: "POST", path: `${API}/mail/${mailId(id)}/retry` }, Mail, options);
  }
}

function mailId(id: string): string {
  const value = typeof id === "string" ? id.trim() : "";
  if (!value) throw new TeleError("a mail id is required");
  return encodeURIComponent(value);
}
