/**
 * Saved sign-ins ("profiles"): a server URL and an API token per name, in a `conf` file with
 * mode 0600 (credentials only; nothing else is kept there). TELE_CONFIG_DIR chooses the
 * directory, so tests and scripts can keep their own.
 */
import type { Io } from "./io.js";
import { UsageError } from "./errors.js";

/** One saved sign-in. */
export interface Profile {
  url: string;
  token: string;
}

interface Store {
  profiles: Record<string, Profile>;
}

/** Where the connection settings came from, for `tele whoami` and for hints. */
export type Source = "flag" | "env" | "profile";

/** A server URL and token as resolved from flags, environment and profile. */
export interface Connection {
  url?: string;
  token?: string;
  urlSource?: Source;
  tokenSource?: Source;
  profile: string;
}

/** The connection flags every command accepts. */
export interface ConnectionFlags {
  url?: string;
  token?: string;
  profile?: string;
}

/** Profile names end up in a JSON key and on the terminal; keep them plain. */
export function checkProfileName(name: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    throw new UsageError(`--profile must be letters, digits, "-" or "_", such as work`, "tele login --profile NAME");
  }
  return name;
}

async function openStore(env: Io["env"]) {
  const { default: Conf } = await import("conf");
  return new Conf<Store>({
    projectName: "tele",
    projectSuffix: "",
    configName: "credentials",
    cwd: env.TELE_CONFIG_DIR || undefined,
    configFileMode: 0o600,
    accessPropertiesByDotNotation: false,
    defaults: { profiles: {} },
  });
}

/** The saved profile of that name, if any. */
export async function readProfile(env: Io["env"], name: string): Promise<Profile | undefined> {
  const store = await openStore(env);
  return store.get("profiles")[checkProfileName(name)];
}

/** Saves (or replaces) a profile and returns the path of the credentials file. */
export async function saveProfile(env: Io["env"], name: string, profile: Profile): Promise<string> {
  const store = await openStore(env);
  const profiles = { ...store.get("profiles"), [checkProfileName(name)]: { url: normalizeUrl(profile.url), token: profile.token } };
  store.set("profiles", profiles);
  return store.path;
}

/** Every saved profile by name, and the credentials file's path. */
export async function listProfiles(env: Io["env"]): Promise<{ path: string; profiles: Record<string, Profile> }> {
  const store = await openStore(env);
  return { path: store.path, profiles: store.get("profiles") };
}

/** Forgets a profile; false when there was none of that name. */
export async function deleteProfile(env: Io["env"], name: string): Promise<boolean> {
  const store = await openStore(env);
  const { [checkProfileName(name)]: gone, ...rest } = store.get("profiles");
  if (!gone) return false;
  store.set("profiles", rest);
  return true;
}

/** `base` if no profile has that name, else `base-2`, `base-3`…: a name that replaces nothing. */
export async function freeProfileName(env: Io["env"], base: string): Promise<string> {
  const { profiles } = await listProfiles(env);
  if (!profiles[base]) return base;
  for (let n = 2; ; n++) if (!profiles[`${base}-${n}`]) return `${base}-${n}`;
}

/** A URL without a trailing slash, so two spellings of one server compare equal. */
export function normalizeUrl(url: string): string {
  return url.trim().replace(/\/+$/, "");
}

/** Whether `value` is an http(s) URL: "localhost:8080" parses as a URL too, with "localhost:" as its scheme. */
export function isHttpUrl(value: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(value.trim()).protocol);
  } catch {
    return false;
  }
}

/**
 * Resolves the connection: `--url`/`--token`, then TELE_URL/TELE_TOKEN, then the profile. A
 * profile's token is only used for the profile's own server, so pointing `--url` elsewhere never
 * sends a saved token to another host.
 */
export async function resolveConnection(env: Io["env"], flags: ConnectionFlags): Promise<Connection> {
  const profileName = checkProfileName(flags.profile ?? "default");
  const fromFlagOrEnv = (flag: string | undefined, envValue: string | undefined) =>
    flag ? { value: flag, source: "flag" as const } : envValue ? { value: envValue, source: "env" as const } : undefined;
  const url = fromFlagOrEnv(flags.url, env.TELE_URL);
  const token = fromFlagOrEnv(flags.token, env.TELE_TOKEN);
  if (url && !isHttpUrl(url.value)) {
    throw new UsageError(`${url.source === "flag" ? "--url" : "TELE_URL"} must be an http(s) URL, such as http://127.0.0.1:8080`);
  }
  const connection: Connection = {
    profile: profileName,
    url: url && normalizeUrl(url.value),
    urlSource: url?.source,
    token: token?.value,
    tokenSource: token?.source,
  };
  if (connection.url && connection.token) return connection;
  const saved = await readProfile(env, profileName);
  if (!saved) return connection;
  if (!connection.url) {
    connection.url = saved.url;
    connection.urlSource = "profile";
  }
  if (!connection.token && normalizeUrl(saved.url) === connection.url) {
    connection.token = saved.token;
    connection.tokenSource = "profile";
  }
  return connection;
}
