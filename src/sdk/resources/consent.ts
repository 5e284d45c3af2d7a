import type { HttpClient, RequestOptions } from "../http.js";
import { ConsentSetResult, ConsentVersion } from "../schemas/index.js";
import { API } from "./common.js";

/** The practice's telehealth consent text (R26), which clients accept in the portal before a telehealth session. */
export class ConsentResource {
  constructor(private readonly http: HttpClient) {}

  /**
   * Sets the consent text (owner or manager): a new version with its SHA-256 hash, unless `text`
   * is already the current text (then `created` is false and nothing changes). At most 64 KB of
   * UTF-8; a larger text is refused with 413 `consent_text_too_large`.
   */
  set(text: string, options?: RequestOptions): Promise<ConsentSetResult> {
    return this.http.send({ method: "PUT", path: `${API}/practice/consent`, json: { text } }, ConsentSetResult, options);
  }

  /** The current text, or version `version`; 404 `no_consent_text` when the practice has none. */
  get(version?: number, options?: RequestOptions): Promise<ConsentVersion> {
    return this.http.send({ method: "GET", path: `${API}/practice/consent`, query: { version } }, ConsentVersion, options);
  }
}
