/**
 * The built-in video's ICE settings (R29): STUN/TURN servers the practice chose (TELE_ICE_SERVERS),
 * its own coturn with the shared-secret scheme (TELE_TURN_URLS + TELE_TURN_SECRET), and a relay-only
 * policy (TELE_ICE_TRANSPORT_POLICY=relay). Nothing here names a third party by default: with no
 * setting, the browsers connect directly (host candidates), which is what loopback and a LAN need.
 */
import { createHmac, randomBytes } from "node:crypto";
import { z } from "zod";

const IceUrl = z.string().min(1).max(512).regex(/^(stun|stuns|turn|turns):[^\s]+$/, "an ICE server URL starts with stun:, stuns:, turn: or turns:");

/** One RTCIceServer, as the browser's RTCPeerConnection takes it. */
export const IceServer = z.object({
  urls: z.union([IceUrl, z.array(IceUrl).min(1).max(8)]),
  username: z.string().max(512).optional(),
  credential: z.string().max(512).optional(),
}).strict();
export type IceServer = z.infer<typeof IceServer>;
export const IceServers = z.array(IceServer).max(8);

export type IceTransportPolicy = "all" | "relay";

export interface IceSettings {
  iceServers: IceServer[];
  /** turn: / turns: URLs of the practice's coturn (use-auth-secret); empty when none. */
  turnUrls: string[];
  turnSecret?: string;
  iceTransportPolicy: IceTransportPolicy;
}

/** Reads TELE_ICE_SERVERS, TELE_TURN_URLS, TELE_TURN_SECRET and TELE_ICE_TRANSPORT_POLICY, refusing a bad one by name. */
export function readIceSettings(env: NodeJS.ProcessEnv): IceSettings {
  let iceServers: IceServer[] = [];
  if (env.TELE_ICE_SERVERS) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(env.TELE_ICE_SERVERS);
    } catch {
      throw new Error('TELE_ICE_SERVERS must be a JSON list of ICE servers, such as [{"urls":"stun:stun.example.com:3478"}]');
    }
    const r = IceServers.safeParse(parsed);
    if (!r.success) throw new Error(`TELE_ICE_SERVERS is not a valid list of ICE servers: ${r.error.issues[0]?.message ?? "invalid"}`);
    iceServers = r.data;
  }
  const turnUrls = (env.TELE_TURN_URLS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  for (const u of turnUrls) {
    if (!/^turns?:[^\s,]+$/.test(u)) throw new Error(`TELE_TURN_URLS must be comma-separated turn: or turns: URLs (got ${u.slice(0, 40)})`);
  }
  const turnSecret = env.TELE_TURN_SECRET || undefined;
  if (turnUrls.length && !turnSecret) throw new Error("TELE_TURN_URLS needs TELE_TURN_SECRET (coturn's static-auth-secret)");
  if (turnSecret && !turnUrls.length) throw new Error("TELE_TURN_SECRET needs TELE_TURN_URLS (the coturn server's turn: or turns: URLs)");
  if (turnSecret && turnSecret.length < 16) throw new Error("TELE_TURN_SECRET must be at least 16 characters");
  const policy = env.TELE_ICE_TRANSPORT_POLICY || "all";
  if (policy !== "all" && policy !== "relay") throw new Error(`TELE_ICE_TRANSPORT_POLICY must be all or relay (got ${policy.slice(0, 20)})`);
  if (policy === "relay" && !turnUrls.length && !iceServers.some((s) => [s.urls].flat().some((u) => u.startsWith("turn")))) {
    throw new Error("TELE_ICE_TRANSPORT_POLICY=relay needs a TURN server (TELE_TURN_URLS or a turn: entry in TELE_ICE_SERVERS)");
  }
  return { iceServers, turnUrls, turnSecret, iceTransportPolicy: policy };
}

/** The most a minted TURN credential lives, whatever the session's deadline. */
export const MAX_TURN_SECONDS = 4 * 60 * 60;

/**
 * coturn's shared-secret credential (`use-auth-secret`): username `<unix expiry>:<opaque id>`,
 * credential base64(HMAC-SHA1(secret, username)). The id is random per admission, never a person's id.
 */
export function turnCredential(secret: string, expiresAtMs: number, now: number): { username: string; credential: string } {
  const expiry = Math.floor(Math.min(expiresAtMs, now + MAX_TURN_SECONDS * 1000) / 1000);
  const username = `${expiry}:${randomBytes(9).toString("base64url")}`;
  return { username, credential: createHmac("sha1", secret).update(username).digest("base64") };
}

/** The ICE servers for one admitted participant: the configured ones, plus the practice's TURN with a fresh credential. */
export function iceServersFor(s: IceSettings, expiresAtMs: number, now: number): IceServer[] {
  const out = [...s.iceServers];
  if (s.turnSecret && s.turnUrls.length) out.push({ urls: s.turnUrls, ...turnCredential(s.turnSecret, expiresAtMs, now) });
  return out;
}
