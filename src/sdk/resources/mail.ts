import type { HttpClient, RequestOptions } from "../http.js";
import { MailPage, type Mail, type MailStatus, type Page } from "../schemas/index.js";
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
}
