/** The tele SDK: `new Tele({ url, token })`, its typed errors, and every shared schema and type. */
export { Tele, type TeleOptions } from "./client.js";
export {
  TeleError,
  TeleApiError,
  InvalidRequestError,
  UnauthenticatedError,
  PermissionDeniedError,
  NotFoundError,
  RuleRefusedError,
  ServerError,
  TeleConnectionError,
  MalformedResponseError,
  errorFromResponse,
  errorClassForStatus,
  type ApiErrorInit,
  type RequestInfo,
} from "./errors.js";
export { backoffDelay, type CsvBody, type HttpOptions, type RequestOptions } from "./http.js";
export { importResultOf, type ImportOptions } from "./resources/common.js";
export { upcomingTelehealthIds } from "./resources/staff.js";
export type { MailListQuery } from "./resources/mail.js";
export type { AuditListQuery } from "./resources/practice.js";
export * from "./schemas/index.js";
