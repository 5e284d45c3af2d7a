/** The app of one server test: built over that test's deps through buildApp, closed after it. */
import type { FastifyInstance } from "fastify";
import { afterEach } from "vitest";
import type { Deps } from "../../src/server/domain/deps.js";
import { buildApp, type AppOptions } from "../../src/server/http/app.js";

/**
 * buildApp, plus an afterEach that closes every app it built during the test. Call it once at the
 * top of a file or describe: `const buildApp = buildAppPerTest();`.
 */
export function buildAppPerTest(): (deps: Deps, opts?: AppOptions) => FastifyInstance {
  const built: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(built.splice(0).map((app) => app.close()));
  });
  return (deps, opts) => {
    const app = buildApp(deps, opts);
    built.push(app);
    return app;
  };
}
