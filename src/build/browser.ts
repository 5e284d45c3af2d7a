/**
 * Builds the browser code: each page script in src/browser (TypeScript, type-checked by
 * `tsc -p src/browser/tsconfig.json` before this runs) is bundled and minified with esbuild, and
 * the stylesheet minified, into dist/public under content-hashed names, with a manifest that maps
 * each logical name ("session.js") to its file ("session.3f9c0a1b2d.js"). The server serves only
 * what the manifest lists, with long-lived caching: a new build is a new name.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../../", import.meta.url));
const source = join(root, "src/browser");
const out = join(root, "dist/public");

/** The page scripts (one bundle each) and the stylesheet. */
const ENTRIES = ["portal.ts", "staff.ts", "session.ts", "video-zoom.ts", "video-builtin.ts", "tele.css"];

async function main(): Promise<void> {
  const result = await build({
    entryPoints: ENTRIES.map((e) => join(source, e)),
    bundle: true,
    format: "esm",
    target: ["es2020", "safari15"],
    minify: true,
    sourcemap: false,
    write: false,
    outdir: out,
    logLevel: "warning",
  });
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const manifest: Record<string, string> = {};
  for (const file of result.outputFiles) {
    const ext = extname(file.path);
    const name = basename(file.path, ext);
    const hash = createHash("sha256").update(file.contents).digest("hex").slice(0, 12);
    const hashed = `${name}.${hash}${ext}`;
    writeFileSync(join(out, hashed), file.contents);
    manifest[name + ext] = hashed;
  }
  writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  const expected = ENTRIES.map((e) => e.replace(/\.ts$/, ".js")).sort();
  if (JSON.stringify(Object.keys(manifest).sort()) !== JSON.stringify(expected)) {
    throw new Error(`browser build wrote ${Object.keys(manifest).join(", ")}; expected ${expected.join(", ")}`);
  }
  process.stdout.write(`browser code: ${readdirSync(out).length - 1} files in dist/public\n`);
}

await main();
