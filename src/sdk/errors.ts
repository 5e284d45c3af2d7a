/**
 * The failures the SDK can report, one class per kind, so callers branch with `instanceof`
 * instead of reading status codes. Messages never contain the Authorization header or the token:
 * they end up in logs and on terminals.
 */

/** Base class of every error the SDK throws. */
export class TeleError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** What the SDK knows about the request that failed (the path has email refs redacted). */
export interface RequestInfo {
  method: string;
  path: string;
}

/** Fields of an API error reply (RFC 9457 problem details with a stable `code`). */
export interface ApiErrorInit {
  status: number;
  code: string;
  message: string;
  requestId?: string;
  details?: unknown;
  request?: RequestInfo;
}

/** The server answered with an error status. */
export class TeleApiError extends TeleError {
  /** HTTP status of the reply. */
  readonly status: number;
  /** Stable snake_case word, such as `not_found` or `teletherapy_not_enabled`. */
  readonly code: string;
  /** The server's request id, to quote when reporting a problem. */
  readonly requestId: string | undefined;
  /** Extra, code-specific data (for example the appointment ids of `upcoming_telehealth`). */
  readonly details: unknown;
  readonly request: RequestInfo | undefined;

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.details = init.details;
    this.request = init.request;
  }
}

/** 400 or 413: the request was malformed or too large. */
export class InvalidRequestError extends TeleApiError {}
/** 401: no token, or the token is wrong or revoked. */
export class UnauthenticatedError extends TeleApiError {}
/** 403: the signed-in staff member may not do this (for example R2). */
export class PermissionDeniedError extends TeleApiError {}
/** 404: the staff member, client or appointment does not exist (or is not visible). */
export class NotFoundError extends TeleApiError {}
/** 409 or 422: refused by a rule of the practice (telehealth-rules.md). */
export class RuleRefusedError extends TeleApiError {}
/** 5xx: the server failed. */
export class ServerError extends TeleApiError {}

/** The server could not be reached, or did not answer in time. */
export class TeleConnectionError extends TeleError {
  /** The low-level error code, such as `ECONNREFUSED` or `timeout`. */
  readonly reason: string;
  constructor(message: string, reason: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** The server's reply was not JSON, or did not match the shared schema. */
export class MalformedResponseError extends TeleError {
  readonly status: number;
  /** Where the reply differs from the schema (zod issues), when it was JSON. */
  readonly issues: unknown;
  readonly request: RequestInfo | undefined;
  constructor(message: string, init: { status: number; issues?: unknown; request?: RequestInfo; cause?: unknown }) {
    super(message, { cause: init.cause });
    this.status = init.status;
    this.issues = init.issues;
    this.request = init.request;
  }
}

const DEFAULT_CODES: Record<number, string> = {
  400: "invalid_request",
  401: "unauthenticated",
  403: "permission_denied",
  404: "not_found",
  409: "conflict",
  413: "payload_too_large",
  422: "unprocessable",
};

/** Picks the error class for an HTTP status. */
export function errorClassForStatus(status: number): typeof TeleApiError {
  if (status === 400 || status === 413) return InvalidRequestError;
  if (status === 401) return UnauthenticatedError;
  if (status === 403) return PermissionDeniedError;
  if (status === 404) return NotFoundError;
  if (status === 409 || status === 422) return RuleRefusedError;
  if (status >= 500 && status <= 599) return ServerError;
  return TeleApiError;
}

/** Builds the typed error for an error reply; fills a code and message when the body lacks them. */
export function errorFromResponse(init: Partial<ApiErrorInit> & { status: number }): TeleApiError {
  const status = init.status;
  const code = init.code || DEFAULT_CODES[status] || (status >= 500 ? "internal" : "http_error");
  const message = init.message || `the server answered ${status} (${code})`;
  const ErrorClass = errorClassForStatus(status);
  return new ErrorClass({ ...init, status, code, message });
}
