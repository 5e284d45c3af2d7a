#!/usr/bin/env bash
# Makes the local PostgreSQL ready for tele's PostgreSQL tests: installs Debian's server when it is
# missing, starts the cluster, and creates the `tele_test` role the tests connect as (it creates a
# database per test run and the unprivileged role the server uses, so it needs CREATEDB/CREATEROLE).
# Then: TELE_TEST_PG_URL=postgres://tele_test:tele_test@127.0.0.1:5432/postgres npm test
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
  echo "installing Debian's postgresql for the PostgreSQL tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi
read -r version cluster _ < <(pg_lsclusters -h | head -1)
pg_ctlcluster "$version" "$cluster" start 2>/dev/null || true
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
su postgres -c "psql -q -v ON_ERROR_STOP=1" <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tele_test') THEN
    CREATE ROLE tele_test LOGIN PASSWORD 'tele_test' CREATEDB CREATEROLE;
  END IF;
END $$;
SQL
echo "PostgreSQL $version/$cluster is ready: TELE_TEST_PG_URL=postgres://tele_test:tele_test@127.0.0.1:5432/postgres"
