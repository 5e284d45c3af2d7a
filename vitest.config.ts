import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Says which PostgreSQL suites were skipped when TELE_TEST_PG_URL is unset, and how to run them.
    globalSetup: ["tests/setup/postgres-notice.ts", "tests/setup/pg-store.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default"],
  },
});
