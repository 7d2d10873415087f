#!/bin/bash
# The PostgreSQL stand-in's entry point: the official image's behaviour that docker-compose.yml relies on.
# On an empty data directory: initdb with POSTGRES_USER as the superuser and POSTGRES_PASSWORD as its
# password, then POSTGRES_DB created by a server on the Unix socket only; then `postgres` with the given
# options as the postgres user, listening on every address, password (scram) auth over TCP.
set -euo pipefail
as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups)

if [[ "${1:-}" == postgres || "${1:-}" == -* ]]; then
  [[ "${1:-}" == -* ]] && set -- postgres "$@"
  mkdir -p "$PGDATA" && chown postgres:postgres "$PGDATA" && chmod 0700 "$PGDATA"
  if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
    : "${POSTGRES_PASSWORD:?the stand-in, like the official image, needs POSTGRES_PASSWORD}"
    user=${POSTGRES_USER:-postgres} db=${POSTGRES_DB:-${POSTGRES_USER:-postgres}}
    pwfile=$(mktemp) && printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile" && chown postgres "$pwfile"
    "${as_postgres[@]}" initdb --username="$user" --pwfile="$pwfile" --auth-local=trust \
      --auth-host=scram-sha-256 -D "$PGDATA" >/dev/null
    rm -f "$pwfile"
    echo 'host all all all scram-sha-256' >>"$PGDATA/pg_hba.conf"
    echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
    "${as_postgres[@]}" pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
    if [[ "$db" != postgres ]]; then
      "${as_postgres[@]}" psql -v ON_ERROR_STOP=1 -q -U "$user" -d postgres -c "CREATE DATABASE \"$db\""
    fi
    "${as_postgres[@]}" pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
    echo "postgres stand-in: initialised $PGDATA (user $user, database $db)"
  fi
  exec "${as_postgres[@]}" "$@"
fi
exec "$@"
