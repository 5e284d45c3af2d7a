import { describe, expect, it } from "vitest";
import {
  errorFromResponse,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  RuleRefusedError,
  ServerError,
  TeleApiError,
  TeleError,
  UnauthenticatedError,
} from "../../src/sdk/index.js";

describe("errorFromResponse", () => {
  it.each([
    [400, InvalidRequestError],
    [413, InvalidRequestError],
    [401, UnauthenticatedError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, RuleRefusedError],
    [422, RuleRefusedError],
    [500, ServerError],
    [503, ServerError],
  ])("maps %i to %s", (status, ErrorClass) => {
    const err = errorFromResponse({ status, code: "x", message: "m" });
    expect(err).toBeInstanceOf(ErrorClass);
    expect(err).toBeInstanceOf(TeleApiError);
    expect(err).toBeInstanceOf(TeleError);
    expect(err.name).toBe(ErrorClass.name);
    expect(err.status).toBe(status);
  });

  it("keeps code, request id and details from the server", () => {
    const err = errorFromResponse({ status: 409, code: "upcoming_telehealth", message: "2 upcoming", requestId: "req_1", details: { appointments: ["apt_1"] } });
    expect(err.code).toBe("upcoming_telehealth");
    expect(err.message).toBe("2 upcoming");
    expect(err.requestId).toBe("req_1");
    expect(err.details).toEqual({ appointments: ["apt_1"] });
  });

  it("fills a stable code and message when the body had none", () => {
    const err = errorFromResponse({ status: 404 });
    expect(err.code).toBe("not_found");
    expect(err.message).toContain("404");
    const teapot = errorFromResponse({ status: 418 });
    expect(teapot.constructor).toBe(TeleApiError);
    expect(teapot.code).toBe("http_error");
  });
});
