import { hash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

let pool = Buffer.alloc(0);
let offset = 0;

const B64 = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"; // ASCII order, so ids sort by time

/**
 * An id with a readable prefix (`apt_…`): 48 bits of milliseconds, then 72 random bits. Ids made
 * later sort later, so a bulk import appends to the primary-key index instead of scattering
 * writes across it. Ids are not secrets (links and tokens use newSecret).
 */
export function newId(prefix: string): string {
  if (offset + 9 > pool.length) {
    pool = randomBytes(9 * 4096);
    offset = 0;
  }
  let ms = Date.now();
  let time = "";
  for (let i = 0; i < 8; i++, ms = Math.floor(ms / 64)) time = B64[ms % 64] + time;
  let rand = "";
  for (let i = 0; i < 9; i += 3, offset += 3) {
    const n = (pool[offset]! << 16) | (pool[offset + 1]! << 8) | pool[offset + 2]!;
    rand += B64[n >>> 18]! + B64[(n >>> 12) & 63]! + B64[(n >>> 6) & 63]! + B64[n & 63]!;
  }
  return `${prefix}_${time}${rand}`;
}

/** A 256-bit secret for links and API tokens; only its hash is ever stored. */
export function newSecret(prefix = ""): string {
  return prefix + randomBytes(32).toString("base64url");
}

/** SHA-256 of a secret, hex: what the database keeps instead of the secret. */
export function hashSecret(secret: string): string {
  return hash("sha256", secret, "hex");
}

const SCRYPT: ScryptOptions = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

let scryptRuns = 0;
let scryptMs = 50; // a running average, so a miss can wait as long as a check takes

/** How many times scrypt has run in this process (tests prove a request did not cost any). */
export const scryptCount = (): number => scryptRuns;

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  scryptRuns++;
  const started = performance.now();
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, 32, SCRYPT, (err, key) => {
      scryptMs = scryptMs * 0.8 + (performance.now() - started) * 0.2;
      return err ? reject(err) : resolve(key);
    }),
  );
}

/**
 * Waits about as long as a password check takes, without the CPU: a sign-in for an account that
 * does not exist answers no faster than a wrong password, and costs a stranger's flood nothing to refuse.
 */
export function passwordMissDelay(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.round(scryptMs * (0.9 + Math.random() * 0.2))));
}

/**
 * Compares a secret someone sent with the one expected, in constant time, for any input: both are
 * hashed first, so lengths and unusual bytes never make the comparison throw.
 */
export function sameSecret(given: string, expected: string): boolean {
  if (!given || !expected) return false;
  return timingSafeEqual(hash("sha256", given, "buffer"), hash("sha256", expected, "buffer"));
}

/** scrypt password hash: `scrypt$N$r$p$salt$key`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

/** Checks a password against a stored hash in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, , , , salt, key] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !key) return false;
  const expected = Buffer.from(key, "base64url");
  const actual = await scryptAsync(password, Buffer.from(salt, "base64url"));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
