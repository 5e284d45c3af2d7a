/**
 * One vocabulary of failures from the database to the terminal. Messages carry ids, never a
 * client's name, email or clinical text: they end up in logs and on terminals.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const invalid = (message: string, details?: unknown) => new DomainError("invalid_request", 400, message, details);
export const forbidden = (message = "you do not have permission to do this") =>
  new DomainError("permission_denied", 403, message);
export const notFound = (what: string, ref: string) =>
  new DomainError("not_found", 404, `${what} ${redactRef(ref)} was not found`);
export const conflict = (code: string, message: string, details?: unknown) => new DomainError(code, 409, message, details);
export const refused = (code: string, message: string, details?: unknown) => new DomainError(code, 422, message, details);

/** An email address given as a reference is not repeated in messages (it may be a client's). */
export function redactRef(ref: string): string {
  return ref.includes("@") ? "(by email)" : ref;
}
