/**
 * Vitest global setup for TELE_TEST_STORE=postgres (npm run test:pg): one migrated template
 * database and one app role (it owns nothing: row-level security applies to it) for the whole run;
 * each test store is a copy of the template (tests/helpers/pg-store.ts), dropped after its file.
 * The template and the role are dropped at the end.
 */
import { randomBytes } from "node:crypto";
import { migratePg } from "../../src/server/db/pg/migrate.js";
import { appRoleUrl, createAppRole } from "../../src/server/db/pg/roles.js";
import { PG_ENV, pgClient } from "../helpers/pg.js";

export default async function setup(): Promise<(() => Promise<void>) | void> {
  if (process.env.TELE_TEST_STORE !== "postgres") return;
  const admin = process.env[PG_ENV];
  if (!admin) throw new Error(`TELE_TEST_STORE=postgres needs ${PG_ENV} (a role that may create databases and roles)`);
  const run = randomBytes(4).toString("hex");
  const template = `tele_tmpl_${run}`;
  const role = `${template}_app`;
  const password = randomBytes(12).toString("hex");
  const a = await pgClient(admin);
  await a.query(`CREATE DATABASE "${template}"`);
  await a.end();
  const ownerUrl = new URL(admin);
  ownerUrl.pathname = `/${template}`;
  const owner = await pgClient(ownerUrl.toString());
  try {
    await migratePg(owner);
    await createAppRole(owner, { role, password, database: template });
    // So the run may end the app role's connections when it drops a test database (DROP DATABASE … WITH (FORCE)).
    await owner.query(`GRANT "${role}" TO CURRENT_USER`);
  } finally {
    await owner.end();
  }
  process.env.TELE_TEST_PG_TEMPLATE = template;
  process.env.TELE_TEST_PG_APP_URL = appRoleUrl(ownerUrl.toString(), { role, password, database: template });
  return async () => {
    const c = await pgClient(admin);
    try {
      const { rows } = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`tele_t${run}%`]);
      for (const r of rows) await c.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
      await c.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
      await c.query(`DROP ROLE IF EXISTS "${role}"`);
    } finally {
      await c.end();
    }
  };
}
