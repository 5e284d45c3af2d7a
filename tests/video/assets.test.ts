/** The Zoom Video SDK's own files, served by this server under /vendor/zoom/<version>/ (R19). */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerVideoAssets, zoomAssetPaths, zoomSdkFiles } from "../../src/server/video/assets.js";

let app: FastifyInstance;
const { dist, version } = zoomSdkFiles();
const paths = zoomAssetPaths();

beforeAll(async () => {
  app = Fastify();
  registerVideoAssets(app);
  await app.ready();
});
afterAll(() => app.close());

const get = (url: string) => app.inject({ method: "GET", url });

describe("the SDK's files", () => {
  it("the ES module entry: 200, text/javascript, the file's exact bytes, cached for a year", async () => {
    expect(paths.module).toBe(`/vendor/zoom/${version}/index.esm.js`);
    const res = await get(paths.module);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/javascript/);
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["cross-origin-resource-policy"]).toBe("same-origin");
    expect(res.rawPayload.equals(readFileSync(join(dist, "index.esm.js")))).toBe(true);
    expect(res.body).toMatch(/export\s*\{[^}]*as default\}/);
  });

  it("WebAssembly under lib is application/wasm (a real module: it starts with \\0asm)", async () => {
    const wasm = readdirSync(join(dist, "lib")).filter((f) => f.endsWith(".wasm"));
    expect(wasm.length).toBeGreaterThan(0);
    const res = await get(`${paths.lib}/${wasm[0]}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("application/wasm");
    expect(Number(res.headers["content-length"])).toBe(statSync(join(dist, "lib", wasm[0]!)).size);
    expect(res.rawPayload.subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
  });

  it("lib scripts are text/javascript and the manifest application/json", async () => {
    expect((await get(`${paths.lib}/js_media.min.js`)).headers["content-type"]).toMatch(/^text\/javascript/);
    const manifest = await get(`${paths.lib}/manifest.json`);
    expect(manifest.headers["content-type"]).toMatch(/^application\/json/);
    expect(manifest.json()).toHaveProperty(["js_media.min.js"]);
  });
});

describe("nothing else", () => {
  it("404 for ../ and its encodings, however they are spelled", async () => {
    const tries = [
      `/vendor/zoom/${version}/../package.json`,
      `/vendor/zoom/${version}/lib/../../package.json`,
      `/vendor/zoom/${version}/%2e%2e/package.json`,
      `/vendor/zoom/${version}/..%2fpackage.json`,
      `/vendor/zoom/${version}/lib/..%2f..%2f..%2f..%2fpackage.json`,
      `/vendor/zoom/${version}/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json`,
      `/vendor/zoom/${version}/lib/..%5c..%5cpackage.json`,
      `/vendor/zoom/${version}/%2fetc%2fpasswd`,
      `/vendor/zoom/${version}//etc/passwd`,
      `/vendor/zoom/${version}/lib/%00.js`,
      `/vendor/zoom/..%2f..%2f..%2fpackage.json`,
    ];
    for (const url of tries) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain("@zoom/videosdk");
      expect(res.body, url).not.toContain("root:");
    }
  });

  it("404 for another version, a folder, and files of types it does not serve", async () => {
    for (const url of [
      "/vendor/zoom/0.0.1/index.esm.js",
      "/vendor/zoom/index.esm.js",
      `/vendor/zoom/${version}/lib`,
      `/vendor/zoom/${version}/lib/`,
      `/vendor/zoom/${version}/types/index.d.ts`,
      `/vendor/zoom/${version}/lib/nope.js`,
    ]) expect((await get(url)).statusCode, url).toBe(404);
  });
});
