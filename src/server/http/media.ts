/**
 * Bodies that lie about themselves: what each endpoint accepts, and how bodies are decoded. JSON
 * endpoints take `application/json` in UTF-8; the CSV imports take `text/csv` (or `text/plain`) in
 * UTF-8, Windows-1252 or UTF-16, as its `charset` or a byte order mark says. Bytes that are not
 * valid in their encoding are refused naming the line, never decoded into U+FFFD and stored; a
 * body of another type, or JSON that does not parse, is 415 `unsupported_media_type`.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { csvEncoding, decodeCsvBytes, UndecodableTextError, type CsvEncoding } from "../../sdk/schemas/encoding.js";
import { DomainError } from "../domain/errors.js";
import { CsvUpload } from "./csv-upload.js";

const CSV_TYPES = new Set(["text/csv", "text/plain"]);
const JSON_TYPE = "application/json";

/** The media type and charset of a Content-Type header, lower-cased; empty when there is none. */
export function mediaTypeOf(header: string | undefined): { type: string; charset?: string } {
  const [type = "", ...params] = (header ?? "").split(";");
  const charset = params.map((p) => p.trim().match(/^charset\s*=\s*"?([^"]*)"?$/i)?.[1]).find((c) => c !== undefined);
  return { type: type.trim().toLowerCase(), charset: charset?.trim().toLowerCase() };
}

function unsupported(detail: string): DomainError {
  return new DomainError("unsupported_media_type", 415, detail);
}

/** The charset a body names, as one of the encodings a CSV import accepts (415 otherwise). */
function encodingOf(req: FastifyRequest, allowed: (e: CsvEncoding) => boolean): CsvEncoding {
  const { charset } = mediaTypeOf(req.headers["content-type"]);
  if (charset === undefined) return "utf-8";
  const encoding = csvEncoding(charset);
  if (!encoding || !allowed(encoding)) {
    throw unsupported(allowed("windows-1252") ? "charset must be utf-8, windows-1252, utf-16le or utf-16be" : "JSON must be sent as UTF-8 (charset=utf-8)");
  }
  return encoding;
}

function serverAdvice(encoding: CsvEncoding, nul: boolean): string {
  if (nul) return "if it is UTF-16 without a byte order mark, send it with charset=utf-16le";
  if (encoding === "utf-8") return "if the file came from Excel, send it with its encoding, such as Content-Type: text/csv; charset=windows-1252";
  return encoding === "windows-1252" ? "it is not a Windows-1252 file" : "the file may be cut short";
}

function decodedJson(bytes: Buffer): string {
  try {
    return decodeCsvBytes(bytes, "utf-8").text;
  } catch (err) {
    if (!(err instanceof UndecodableTextError)) throw err;
    throw unsupported(`the JSON body is not valid UTF-8 (${err.message})`);
  }
}

/** Registers the body parsers: CSV decoded by its charset, JSON decoded strictly as UTF-8. */
export function registerBodyParsers(app: FastifyInstance): void {
  // CSV streams (issue 14): the route reads the request itself, decoding as it goes (csv-upload.ts).
  app.addContentTypeParser([...CSV_TYPES], (req, payload, done) => {
    try {
      done(null, new CsvUpload(payload, encodingOf(req, () => true), serverAdvice));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser(JSON_TYPE);
  app.addContentTypeParser(JSON_TYPE, { parseAs: "buffer" }, (req, body, done) => {
    try {
      encodingOf(req, (e) => e === "utf-8");
      const text = decodedJson(body as Buffer);
      parseJson(req, text, done);
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}

/**
 * Refuses a body of the wrong type for the endpoint (415): CSV endpoints take text/csv, the others
 * application/json. Checked after authentication, so a caller without a token learns nothing.
 */
export function checkMediaType(spec: { csv?: boolean }, req: FastifyRequest): void {
  if (req.body === undefined || req.body === null) return;
  const { type } = mediaTypeOf(req.headers["content-type"]);
  if (spec.csv && !CSV_TYPES.has(type)) throw unsupported("this endpoint takes a CSV file: send it as text/csv");
  if (!spec.csv && type !== JSON_TYPE) throw unsupported("this endpoint takes JSON: send it as application/json");
}
