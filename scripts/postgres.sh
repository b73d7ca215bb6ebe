#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests on a free localhost port:
#   scripts/postgres.sh start | url | stop
# Its port is kept in build/postgres. As root it runs as the postgres user (initdb refuses
# root), with its data in a temporary folder of the postgres user's own — the checkout may lie
# in a folder that user cannot enter; otherwise the data is in build/postgres. The data is
# deleted on stop.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/build/postgres"
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
as=()
[ "$(id -u)" -eq 0 ] && as=(runuser -u postgres --)

case "${1:-}" in
  start)
    scripts_dir="$(dirname "${BASH_SOURCE[0]}")"
    "$scripts_dir/postgres.sh" stop >/dev/null 2>&1 || true
    mkdir -p "$dir"
    data="$dir"
    if [ "$(id -u)" -eq 0 ]; then
      data="$(mktemp -d -t lumen-postgres.XXXXXX)"
      chown postgres "$data"
    fi
    echo "$data" > "$dir/where"
    "${as[@]}" "$bin/initdb" -D "$data/data" -A trust -U lumen >/dev/null
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    echo "$port" > "$dir/port"
    "${as[@]}" "$bin/pg_ctl" -D "$data/data" -l "$data/data/server.log" -w \
      -o "-p $port -k $data -c listen_addresses=127.0.0.1" start >/dev/null
    "${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U lumen lumen
    echo "postgres on 127.0.0.1:$port (pid $(head -1 "$data/data/postmaster.pid"))" >&2
    ;;
  url)
    echo "jdbc:postgresql://127.0.0.1:$(cat "$dir/port")/lumen?user=lumen"
    ;;
  stop)
    if [ -f "$dir/where" ]; then
      data="$(cat "$dir/where")"
      if [ -f "$data/data/postmaster.pid" ]; then
        "${as[@]}" "$bin/pg_ctl" -D "$data/data" -m fast -w stop >/dev/null
      fi
      [ "$data" != "$dir" ] && rm -rf "$data"
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: scripts/postgres.sh start|url|stop" >&2
    exit 2
    ;;
esac
