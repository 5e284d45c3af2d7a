/** The Video SDK JWT (R19), checked with node:crypto here, independently of the code that signs it. */
import { createHmac, timingSafeEqual } from "node:crypto";
import { describe, expect, it } from "vitest";
import { readServerConfig } from "../../src/server/config.js";
import { DomainError } from "../../src/server/domain/errors.js";
import { zoomVideoProvider, ZoomVideoProvider } from "../../src/server/video/zoom.js";

const KEY = "test-sdk-key-123";
const SECRET = "test-sdk-secret-abcdefghijklmnopqrstuvwxyz";
const T0 = Date.UTC(2026, 2, 2, 15, 0, 0); // a fixed clock
const APPOINTMENT = "apt_0001AbCdEfGhIjKlMnOp";
const zoom = new ZoomVideoProvider({ sdkKey: KEY, sdkSecret: SECRET });
const sessionName = zoom.sessionName(APPOINTMENT, SECRET);

/** Splits a JWT, checks its HS256 signature with `secret`, and returns header and claims. */
function verify(token: string, secret: string) {
  const parts = token.split(".");
  expect(parts).toHaveLength(3);
  const [h, p, s] = parts as [string, string, string];
  const expected = createHmac("sha256", secret).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, "base64url");
  const valid = given.length === expected.length && timingSafeEqual(given, expected);
  return {
    valid,
    header: JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Record<string, unknown>,
  };
}

const token = (o: Partial<Parameters<ZoomVideoProvider["participantToken"]>[0]> = {}) =>
  zoom.participantToken({ sessionName, role: "host", userKey: "stf_0001Xq9ZkP3mRt7w", issuedAt: T0, expiresAt: T0 + 2 * 3600_000, ...o });

describe("the participant's Video SDK JWT", () => {
  it("is HS256 over header and claims with the SDK secret, and not with another", () => {
    const t = token();
    const ok = verify(t, SECRET);
    expect(ok.valid).toBe(true);
    expect(ok.header).toEqual({ alg: "HS256", typ: "JWT" });
    expect(verify(t, `${SECRET}x`).valid).toBe(false);
    // A client who rewrites their own token to become host is caught by the signature.
    const client = token({ role: "participant" });
    const [h, , s] = client.split(".");
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...verify(client, SECRET).claims, role_type: 1 })).toString("base64url")}.${s}`;
    expect(verify(forged, SECRET).valid).toBe(false);
  });

  it("carries app_key, tpc, role_type, version 1, iat, exp and user_key, typed as Zoom documents", () => {
    const { claims } = verify(token(), SECRET);
    expect(Object.keys(claims).sort()).toEqual(["app_key", "exp", "iat", "role_type", "tpc", "user_key", "version"]);
    expect(claims).toMatchObject({ app_key: KEY, tpc: sessionName, version: 1, user_key: "stf_0001Xq9ZkP3mRt7w" });
    for (const k of ["iat", "exp", "role_type", "version"]) expect(Number.isInteger(claims[k]), k).toBe(true);
    // iat is 30 s back for clock skew (Zoom's sample does the same); exp is what was asked.
    expect(claims.iat).toBe(T0 / 1000 - 30);
    expect(claims.exp).toBe(T0 / 1000 + 2 * 3600);
  });

  it("role_type is 1 for the provider (host) and 0 for the client (participant)", () => {
    expect(verify(token({ role: "host" }), SECRET).claims.role_type).toBe(1);
    expect(verify(token({ role: "participant", userKey: "cli_0001Lm4NbV8cYe2s" }), SECRET).claims.role_type).toBe(0);
  });

  it("exp is kept between 30 minutes and 48 hours after iat", () => {
    const short = verify(token({ expiresAt: T0 + 60_000 }), SECRET).claims as { iat: number; exp: number };
    expect(short.exp - short.iat).toBe(30 * 60);
    const past = verify(token({ expiresAt: T0 - 3600_000 }), SECRET).claims as { iat: number; exp: number };
    expect(past.exp - past.iat).toBe(30 * 60);
    const long = verify(token({ expiresAt: T0 + 7 * 24 * 3600_000 }), SECRET).claims as { iat: number; exp: number };
    expect(long.exp - long.iat).toBe(48 * 3600);
  });

  it("refuses a user key that is not an id (an email, a name with spaces, too long)", () => {
    for (const userKey of ["cara@example.test", "Cara Client", "x".repeat(37), ""]) expect(() => token({ userKey }), userKey).toThrow(/user key/);
  });
});

describe("the session name (tpc)", () => {
  it("is opaque, at most 200 characters, lowercase, and shows neither the appointment id nor a name", () => {
    expect(sessionName).toMatch(/^tele-[0-9a-f]{64}$/);
    expect(sessionName.length).toBeLessThanOrEqual(200);
    expect(sessionName.toLowerCase()).not.toContain(APPOINTMENT.toLowerCase());
    const decoded = JSON.stringify(verify(token(), SECRET).claims);
    for (const leak of [APPOINTMENT, "0001AbCdEfGh", "Tina", "Cara"]) expect(decoded).not.toContain(leak);
  });

  it("is the same for an appointment every time, and differs between appointments and secrets", () => {
    expect(zoom.sessionName(APPOINTMENT, SECRET)).toBe(sessionName);
    expect(zoom.sessionName("apt_0001AbCdEfGhIjKlMnOq", SECRET)).not.toBe(sessionName);
    expect(zoom.sessionName(APPOINTMENT, "another-secret")).not.toBe(sessionName);
    expect(() => zoom.sessionName(APPOINTMENT, "")).toThrow();
  });
});

describe("not configured", () => {
  it("without ZOOM_SDK_KEY or ZOOM_SDK_SECRET: configured is false and a token is refused with video_not_configured (503)", () => {
    for (const settings of [{}, { sdkKey: KEY }, { sdkSecret: SECRET }]) {
      const p = new ZoomVideoProvider(settings);
      expect(p.configured).toBe(false);
      let err: unknown;
      try {
        p.participantToken({ sessionName, role: "participant", userKey: "cli_1", issuedAt: T0, expiresAt: T0 + 3600_000 });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DomainError);
      expect({ code: (err as DomainError).code, status: (err as DomainError).status }).toEqual({ code: "video_not_configured", status: 503 });
      expect((err as DomainError).message).toMatch(/set ZOOM_SDK_KEY and ZOOM_SDK_SECRET/);
    }
  });

  it("reads the key, the secret and the webhook secret from the environment", () => {
    const env = { ZOOM_SDK_KEY: KEY, ZOOM_SDK_SECRET: SECRET, ZOOM_WEBHOOK_SECRET: "whsec" };
    const config = readServerConfig({}, env);
    expect(config.zoomWebhookSecret).toBe("whsec");
    expect(zoomVideoProvider(config).configured).toBe(true);
    expect(zoomVideoProvider(readServerConfig({}, {})).configured).toBe(false);
    expect(readServerConfig({}, {}).zoomWebhookSecret).toBeUndefined();
  });

  it("tells the page where the SDK and its assets are, under the installed version", () => {
    const c = new ZoomVideoProvider({}).clientConfig();
    expect(c).toMatchObject({ provider: "zoom", configured: false, language: "en-US" });
    expect(c.sdkModule).toMatch(/^\/vendor\/zoom\/2\.\d+\.\d+\/index\.esm\.js$/);
    expect(c.dependentAssets).toMatch(/^\/vendor\/zoom\/2\.\d+\.\d+\/lib$/);
  });
});
