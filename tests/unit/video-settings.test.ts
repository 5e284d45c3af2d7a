/** The video settings (R29): TELE_VIDEO's default and refusals, ICE/TURN parsing, coturn's shared-secret credential. */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { readServerConfig } from "../../src/server/config.js";
import { iceServersFor, readIceSettings, turnCredential } from "../../src/server/video/ice.js";

const ZOOM = { ZOOM_SDK_KEY: "k", ZOOM_SDK_SECRET: "s" };
const TURN = { TELE_TURN_URLS: "turn:turn.example.com:3478?transport=udp, turns:turn.example.com:443", TELE_TURN_SECRET: "a-long-shared-secret" };

describe("TELE_VIDEO", () => {
  it("defaults to zoom with both Zoom credentials, else builtin; an explicit choice wins; anything else is refused by name", () => {
    expect(readServerConfig({}, {}).video).toBe("builtin");
    expect(readServerConfig({}, { ZOOM_SDK_KEY: "k" }).video).toBe("builtin");
    expect(readServerConfig({}, ZOOM).video).toBe("zoom");
    expect(readServerConfig({}, { ...ZOOM, TELE_VIDEO: "builtin" }).video).toBe("builtin");
    expect(readServerConfig({}, { TELE_VIDEO: "zoom" }).video).toBe("zoom");
    expect(() => readServerConfig({}, { TELE_VIDEO: "jitsi" })).toThrow(/TELE_VIDEO must be builtin or zoom/);
  });
});

describe("ICE and TURN settings", () => {
  it("parses TELE_ICE_SERVERS with zod and refuses bad JSON, bad URLs and unknown fields", () => {
    expect(readIceSettings({ TELE_ICE_SERVERS: '[{"urls":"stun:stun.example.com:3478"}]' }).iceServers).toEqual([{ urls: "stun:stun.example.com:3478" }]);
    expect(() => readIceSettings({ TELE_ICE_SERVERS: "[{" })).toThrow(/JSON list/);
    expect(() => readIceSettings({ TELE_ICE_SERVERS: '[{"urls":"http://x"}]' })).toThrow(/TELE_ICE_SERVERS is not a valid/);
    expect(() => readIceSettings({ TELE_ICE_SERVERS: '[{"urls":"stun:x","foo":1}]' })).toThrow(/TELE_ICE_SERVERS/);
  });

  it("needs TURN URLs and secret together, turn:/turns: only, and a TURN server for relay-only", () => {
    expect(readIceSettings(TURN).turnUrls).toEqual(["turn:turn.example.com:3478?transport=udp", "turns:turn.example.com:443"]);
    expect(() => readIceSettings({ TELE_TURN_URLS: TURN.TELE_TURN_URLS })).toThrow(/needs TELE_TURN_SECRET/);
    expect(() => readIceSettings({ TELE_TURN_SECRET: TURN.TELE_TURN_SECRET })).toThrow(/needs TELE_TURN_URLS/);
    expect(() => readIceSettings({ ...TURN, TELE_TURN_URLS: "stun:x" })).toThrow(/turn: or turns:/);
    expect(() => readIceSettings({ TELE_ICE_TRANSPORT_POLICY: "relay" })).toThrow(/needs a TURN server/);
    expect(readIceSettings({ ...TURN, TELE_ICE_TRANSPORT_POLICY: "relay" }).iceTransportPolicy).toBe("relay");
    expect(() => readIceSettings({ TELE_ICE_TRANSPORT_POLICY: "some" })).toThrow(/all or relay/);
  });

  it("mints coturn credentials: <expiry>:<random id>, base64 HMAC-SHA1, at most 4 hours, never longer than the session", () => {
    const now = Date.parse("2026-12-01T14:00:00Z");
    const soon = turnCredential("a-long-shared-secret", now + 3_600_000, now);
    const [expiry, id] = soon.username.split(":");
    expect(Number(expiry)).toBe((now + 3_600_000) / 1000);
    expect(id).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(soon.credential).toBe(createHmac("sha1", "a-long-shared-secret").update(soon.username).digest("base64"));
    expect(Number(turnCredential("a-long-shared-secret", now + 86_400_000, now).username.split(":")[0])).toBe((now + 4 * 3_600_000) / 1000);
    expect(turnCredential("s".repeat(16), now + 1000, now).username).not.toBe(turnCredential("s".repeat(16), now + 1000, now).username);
    const servers = iceServersFor(readIceSettings(TURN), now + 3_600_000, now);
    expect(servers).toHaveLength(1);
    expect(servers[0]!.urls).toEqual(readIceSettings(TURN).turnUrls);
  });
});
