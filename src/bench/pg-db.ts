/**
 * A throwaway PostgreSQL database for the `postgres` bench group (issue 13), set up as the README's
 * "Running on PostgreSQL" says: the admin role (TELE_BENCH_PG_URL or TELE_TEST_PG_URL, one that may
 * create databases and roles) owns the tables; an app role that owns nothing is what the server (or
 * a bare baseline under the same row-level security) connects as.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { migratePg } from "../server/db/pg/migrate.js";
import { appRoleUrl, createAppRole } from "../server/db/pg/roles.js";

export interface BenchDatabase {
  name: string;
  ownerUrl: string;
  appUrl: string;
  appRole: string;
  /** TELE_DATABASE_URL, TELE_DATABASE_OWNER_URL and a pool size, for `tele init` and `tele server start`. */
  serverEnv: Record<string, string>;
  drop(): Promise<void>;
}

export function adminUrl(): string {
  const admin = process.env.TELE_BENCH_PG_URL ?? process.env.TELE_TEST_PG_URL;
  if (!admin) throw new Error("set TELE_BENCH_PG_URL (or TELE_TEST_PG_URL) to a role that may create databases and roles");
  return admin;
}

export async function pgConnect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

/**
 * A fresh database `tele_bench_<prefix>_<random>` with its app role; `migrate` runs the migrations
 * now (a bare baseline's schema), otherwise the first `tele server start` does.
 */
export async function benchDatabase(prefix: string, migrate: boolean): Promise<BenchDatabase> {
  const admin = adminUrl();
  const name = `tele_bench_${prefix}_${randomBytes(4).toString("hex")}`;
  const a = await pgConnect(admin);
  try {
    await a.query(`CREATE DATABASE "${name}"`);
  } finally {
    await a.end();
  }
  const owner = new URL(admin);
  owner.pathname = `/${name}`;
  const ownerUrl = owner.toString();
  const app = { role: `${name}_app`, password: randomBytes(12).toString("hex"), database: name };
  const o = await pgConnect(ownerUrl);
  try {
    if (migrate) await migratePg(o);
    await createAppRole(o, app); // before any table, default privileges cover what the migrations make
    // So the bench may end the app role's connections when it drops its database.
    await o.query(`GRANT "${app.role}" TO CURRENT_USER`);
  } finally {
    await o.end();
  }
  const appUrl = appRoleUrl(ownerUrl, app);
  return {
    name, ownerUrl, appUrl, appRole: app.role,
    serverEnv: { TELE_DATABASE_URL: appUrl, TELE_DATABASE_OWNER_URL: ownerUrl, TELE_DATABASE_POOL: process.env.TELE_BENCH_PG_POOL ?? "10" },
    drop: async () => {
      const c = await pgConnect(admin);
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await c.query(`DROP ROLE IF EXISTS "${app.role}"`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A bare `pg` client as `url`'s role with BIGINT read as a number (as the store reads it), scoped to `practiceId` for the session. */
export async function bareClient(url: string, practiceId?: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, types: { getTypeParser: (oid: number, f?: "text") => (oid === 20 ? Number : pg.types.getTypeParser(oid, f)) } } as pg.ClientConfig);
  await c.connect();
  if (practiceId) await c.query("SELECT set_config('tele.practice_id', $1, false)", [practiceId]);
  return c;
}
