/**
 * Serves the Zoom Video SDK's own files from this server (R19): its ES module and the `dist/lib`
 * workers and WebAssembly it loads at `init`. Nothing comes from Zoom's CDN, and the session page's
 * CSP can stay at 'self' for scripts.
 */
import { createReadStream, readFileSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join, sep } from "node:path";
import type { FastifyInstance } from "fastify";
import { sendProblem } from "../http/errors.js";

export const VENDOR_PREFIX = "/vendor/zoom";

/** Types for what dist/ holds; anything else (type declarations, licences) is not served. */
const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".bin": "application/octet-stream",
  ".wav": "audio/wav",
};

interface SdkFiles {
  /** Real path of node_modules/@zoom/videosdk/dist. */
  dist: string;
  version: string;
}

let found: SdkFiles | undefined;

/** Where the installed SDK's dist/ folder is, and its version (read once). */
export function zoomSdkFiles(): SdkFiles {
  if (found) return found;
  // The package exports only its entry points, so find dist/ from the entry, not from package.json.
  const entry = createRequire(import.meta.url).resolve("@zoom/videosdk");
  const dist = realpathSync(dirname(entry));
  const pkg = JSON.parse(readFileSync(join(dist, "..", "package.json"), "utf8")) as { version: string };
  found = { dist, version: pkg.version };
  return found;
}

/**
 * The same-origin paths of the SDK's ES module and its `lib` folder. The version is part of the
 * path, so the files can be cached for a year and an upgrade still reaches every browser.
 */
export function zoomAssetPaths(): { module: string; lib: string; version: string } {
  const { version } = zoomSdkFiles();
  const base = `${VENDOR_PREFIX}/${version}`;
  return { module: `${base}/index.esm.js`, lib: `${base}/lib`, version };
}

/** The file under dist/ that a request path names, or undefined (unknown version, traversal, not a file, unknown type). */
export function resolveZoomAsset(rest: string): { file: string; type: string; size: number } | undefined {
  const { dist, version } = zoomSdkFiles();
  if (rest.includes("\0") || rest.includes("\\")) return undefined;
  const [v, ...segments] = rest.split("/");
  if (v !== version || segments.length === 0) return undefined;
  if (segments.some((s) => s === "" || s === "." || s === "..")) return undefined;
  const type = TYPES[extname(segments[segments.length - 1]!).toLowerCase()];
  if (!type) return undefined;
  const file = join(dist, ...segments);
  if (!file.startsWith(dist + sep)) return undefined;
  try {
    const real = realpathSync(file);
    if (!real.startsWith(dist + sep)) return undefined;
    const st = statSync(real);
    return st.isFile() ? { file: real, type, size: st.size } : undefined;
  } catch {
    return undefined;
  }
}

/** Adds `GET /vendor/zoom/<version>/*`: the SDK's files with their real types and long cache headers. */
export function registerVideoAssets(app: FastifyInstance): void {
  zoomSdkFiles(); // fail at start-up, not on the first session, if the package is missing
  app.get(`${VENDOR_PREFIX}/*`, async (req, reply) => {
    const asset = resolveZoomAsset((req.params as { "*": string })["*"]);
    if (!asset) return sendProblem(reply, req, 404, "not_found", "there is no such video SDK file");
    return reply
      .type(asset.type)
      .header("content-length", asset.size)
      .header("cache-control", "public, max-age=31536000, immutable")
      .header("x-content-type-options", "nosniff")
      .header("cross-origin-resource-policy", "same-origin")
      .send(createReadStream(asset.file));
  });
}
