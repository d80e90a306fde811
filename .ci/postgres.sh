#!/usr/bin/env bash
# Installs (if needed) and starts a local PostgreSQL for the storage tests, then prints
# its connection string and nothing else on stdout:
#
#   export SWITCHBOARD_TEST_PG=$(bash .ci/postgres.sh)
#
# Debian 12, run as root. Idempotent: a second run finds everything in place and prints
# the same string. The server listens on 127.0.0.1 only. All other output goes to stderr.
set -euo pipefail

# Keep stdout for the connection string; everything else (apt, pg tools) goes to stderr.
exec 3>&1 1>&2

DB_NAME="${SWITCHBOARD_PG_DB:-switchboard_test}"
DB_USER="${SWITCHBOARD_PG_USER:-switchboard_test}"
DB_PASSWORD="${SWITCHBOARD_PG_PASSWORD:-switchboard_test}"

if [[ "$(id -u)" -ne 0 ]]; then
  echo "postgres.sh: must run as root (it installs and starts PostgreSQL)" >&2
  exit 1
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
  echo "postgres.sh: installing PostgreSQL" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends postgresql
fi

# The newest installed major version; Debian's postgresql package may or may not have
# created its "main" cluster (it does not when create_main_cluster is off).
PG_VERSION="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)"
CLUSTER=main
if ! pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$CLUSTER" '$1 == v && $2 == c { found = 1 } END { exit !found }'; then
  pg_createcluster "$PG_VERSION" "$CLUSTER"
fi

# A conf.d drop-in (Debian's postgresql.conf includes conf.d last) rather than editing
# postgresql.conf in place.
CONF_DIR="/etc/postgresql/$PG_VERSION/$CLUSTER/conf.d"
CONF_FILE="$CONF_DIR/switchboard-test.conf"
WANTED_CONF="listen_addresses = '127.0.0.1'"
listen_changed=no
if [[ ! -f "$CONF_FILE" ]] || [[ "$(cat "$CONF_FILE")" != "$WANTED_CONF" ]]; then
  install -d -o postgres -g postgres "$CONF_DIR"
  printf '%s\n' "$WANTED_CONF" >"$CONF_FILE"
  listen_changed=yes
fi
PG_PORT="$(pg_conftool -s "$PG_VERSION" "$CLUSTER" show port)"

# The server outlives this script, so it must inherit none of our file descriptors:
# fd 3 is the pipe of the caller's $(...), which would then never see end-of-file and
# wait forever (that hung CI for 90 minutes), and stderr may be CI's log pipe.
pg_ctl_detached() {
  local log
  log="$(mktemp)"
  if ! (
    for fd in /proc/"$BASHPID"/fd/*; do
      fd="${fd##*/}"
      if [[ "$fd" -gt 2 ]]; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec pg_ctlcluster "$PG_VERSION" "$CLUSTER" "$1"
  ) </dev/null >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  cat "$log" >&2
  rm -f "$log"
}

status="$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$CLUSTER" '$1 == v && $2 == c { print $4 }')"
if [[ "$status" != online* ]]; then
  pg_ctl_detached start
elif [[ "$listen_changed" == yes ]]; then
  # listen_addresses only takes effect on restart; an unchanged running server is left alone.
  pg_ctl_detached restart
fi

for _ in $(seq 1 30); do
  if pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then break; fi
  sleep 1
done
pg_isready -h 127.0.0.1 -p "$PG_PORT"

psql_admin() {
  runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" "$@"
}

# Identifiers and the password are passed as psql variables, so :"name" / :'value' quote them.
psql_admin -d postgres -v user="$DB_USER" -v password="$DB_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'user')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'user') \gexec
ALTER ROLE :"user" WITH LOGIN PASSWORD :'password';
SQL

psql_admin -d postgres -v user="$DB_USER" -v db="$DB_NAME" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
ALTER DATABASE :"db" OWNER TO :"user";
SQL

urlencode() {
  local s="$1" out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c="${s:i:1}"
    case "$c" in
      [a-zA-Z0-9._~-]) out+="$c" ;;
      *) out+="$(printf '%%%02X' "'$c")" ;;
    esac
  done
  printf '%s' "$out"
}

URL="postgres://$(urlencode "$DB_USER"):$(urlencode "$DB_PASSWORD")@127.0.0.1:${PG_PORT}/$(urlencode "$DB_NAME")"

# Prove the role can log in over TCP with its password before handing the string out.
PGPASSWORD="$DB_PASSWORD" psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" -d "$DB_NAME" -c 'SELECT 1' >/dev/null

echo "$URL" >&3
