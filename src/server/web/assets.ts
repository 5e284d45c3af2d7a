import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The browser code built by `npm run build` (src/build/browser.ts): page scripts and the stylesheet
 * in dist/public under content-hashed names. Pages link them by logical name through `assetUrl`;
 * `/assets/<hashed name>` serves them with long-lived caching, since a change is a new name.
 * The same path works from src/ (tests) and dist/: both sit two levels under the package root.
 */
const PUBLIC_DIR = fileURLToPath(new URL("../../../dist/public/", import.meta.url));

const TYPES: Record<string, string> = { ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };

export interface Asset {
  type: string;
  body: Buffer;
}

interface Built {
  /** Logical name ("session.js") → hashed file name. */
  names: Map<string, string>;
  /** Hashed file name → its contents. */
  files: Map<string, Asset>;
}

let built: Built | undefined;

function load(): Built {
  if (built) return built;
  let manifest: Record<string, string>;
  try {
    manifest = JSON.parse(readFileSync(PUBLIC_DIR + "manifest.json", "utf8")) as Record<string, string>;
  } catch {
    throw new Error(`the browser code is not built (no ${PUBLIC_DIR}manifest.json): run npm run build`);
  }
  const names = new Map(Object.entries(manifest));
  const files = new Map<string, Asset>();
  for (const file of names.values()) files.set(file, { type: TYPES[extname(file)] ?? "application/octet-stream", body: readFileSync(PUBLIC_DIR + file) });
  built = { names, files };
  return built;
}

/** The URL of a built asset by its logical name, e.g. `assetUrl("session.js")`. */
export function assetUrl(name: string): string {
  const file = load().names.get(name);
  if (!file) throw new Error(`no browser asset named ${name}`);
  return `/assets/${file}`;
}

/** A built asset by its hashed file name, or undefined (only what the manifest lists is served). */
export function assetFile(file: string): Asset | undefined {
  return load().files.get(file);
}
