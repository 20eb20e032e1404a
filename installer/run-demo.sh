#!/usr/bin/env bash
# The whole demo on a fresh Debian 12 machine: installs packages, builds,
# makes a development CA and kiosk key, starts platform-sim (the reference
# 12315 ODR gateway) on 127.0.0.1 and the chain's hub (odr-hub, on a
# PostgreSQL cluster of its own in demo-data/pg), seeds demo complaints and a
# demo staff account (id "demo", PIN 1234), and starts the kiosk configured
# for both (the hub once the kiosk's config has a [hub] section).
# With no display it drives every screen under Xvfb and prints where the
# screenshots are. Everything it makes lives in demo-data/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

bash installer/deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j "${JOBS:-2}"

BIN="$ROOT/build/default/bin"
DEMO="$ROOT/demo-data"
mkdir -p "$DEMO/data" "$DEMO/export"

# 1. A development CA, a server certificate for localhost/127.0.0.1 and the kiosk's key.
"$BIN/platform-sim" dev-setup --dir "$DEMO/dev" --kiosk-id demo-kiosk-01 >/dev/null

# 2. The gateway simulator on a free loopback port; it moves cases along quickly for the demo.
rm -f "$DEMO/sim.port"
"$BIN/platform-sim" serve --dir "$DEMO/dev" --port 0 --port-file "$DEMO/sim.port" --quiet \
  --accept-after-ms 3000 --mediate-after-ms 15000 --finish-after-ms 45000 2>"$DEMO/platform-sim.log" &
SIM_PID=$!
HUB_PID=""
PG_STARTED=0
PG="$DEMO/pg"
PG_SOCK="$PG"
stop_all() {
  [ -z "$HUB_PID" ] || kill "$HUB_PID" 2>/dev/null || true
  kill "$SIM_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  [ "$PG_STARTED" = 0 ] || pg_ctl_demo stop -m fast -w >/dev/null 2>&1 || true
  [ "$PG_SOCK" = "$PG" ] || rm -rf "$PG_SOCK"
}
trap stop_all EXIT
for _ in $(seq 100); do [ -s "$DEMO/sim.port" ] && break; sleep 0.1; done
[ -s "$DEMO/sim.port" ] || { echo "platform-sim did not start; see $DEMO/platform-sim.log" >&2; exit 1; }
PORT=$(cat "$DEMO/sim.port")

# 2b. The chain's hub: a PostgreSQL cluster of the demo's own (made once,
# reused after), trust on a Unix socket in its folder only, no TCP. initdb
# and pg_ctl refuse root: as root the cluster is nobody's (tests/support/pg.cpp).
PGBIN=/usr/lib/postgresql/15/bin
[ ${#PG_SOCK} -le 90 ] || PG_SOCK=$(mktemp -d /tmp/odr-demo-pg.XXXXXX)   # a socket path holds 107 bytes
as_pg_owner() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
pg_ctl_demo() { as_pg_owner "$PGBIN/pg_ctl" -D "$PG/data" "$@"; }
mkdir -p "$PG"
[ "$(id -u)" != 0 ] || chown nobody "$PG" "$PG_SOCK"
if [ ! -s "$PG/data/PG_VERSION" ]; then
  as_pg_owner "$PGBIN/initdb" -D "$PG/data" -U odr --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG/initdb.log" 2>&1 \
    || { echo "initdb failed; see $PG/initdb.log" >&2; exit 1; }
fi
# Left running by a demo that was killed: stop it, then start with this run's socket.
pg_ctl_demo status >/dev/null 2>&1 && pg_ctl_demo stop -m fast -w >/dev/null
pg_ctl_demo start -w -t 60 -l "$PG/server.log" -o "-c listen_addresses= -k $PG_SOCK" >/dev/null \
  || { echo "PostgreSQL did not start; see $PG/server.log" >&2; exit 1; }
PG_STARTED=1
PG_CONN="host=$PG_SOCK port=5432 user=odr"
[ "$("$PGBIN/psql" -X -At -d "$PG_CONN dbname=postgres" -c "SELECT 1 FROM pg_database WHERE datname = 'odr_hub'")" = 1 ] \
  || "$PGBIN/createdb" -h "$PG_SOCK" -U odr odr_hub

# The hub's config: the example, on a free loopback port, HTTPS with the dev
# CA's server certificate, this cluster, the calendar in the tree.
sed -e 's|^port = .*|port = 0|' \
    -e "s|^# port_file = .*|port_file = \"$DEMO/hub.port\"|" \
    -e "s|^# tls_cert = .*|tls_cert = \"$DEMO/dev/server.pem\"|" \
    -e "s|^# tls_key = .*|tls_key = \"$DEMO/dev/server.key\"|" \
    -e "s|^url = .*|url = \"$PG_CONN dbname=odr_hub\"|" \
    -e "s|^calendar_dir = .*|calendar_dir = \"$ROOT/config/workdays\"|" \
    config/hub.toml > "$DEMO/hub.toml"
"$BIN/odr-hub" migrate --config "$DEMO/hub.toml"
# The demo kiosk at a store of the chain (Nanjing, like the demo mall), with
# the kiosk's own key: once, and again only when the hub lacks it or the key
# is new (dev-setup keeps it, so a restart registers nothing).
KIOSKS=$("$BIN/odr-hub" kiosk list --config "$DEMO/hub.toml")
if ! grep -q '^demo-kiosk-01 ' <<<"$KIOSKS" || ! cmp -s "$DEMO/dev/kiosk.key" "$DEMO/hub-registered.key"; then
  "$BIN/odr-hub" kiosk add --config "$DEMO/hub.toml" --kiosk demo-kiosk-01 --store nj-gulou-01 \
    --region east-china --key-file "$DEMO/dev/kiosk.key"
  install -m 0600 "$DEMO/dev/kiosk.key" "$DEMO/hub-registered.key"
fi
# Dashboard accounts: the head office, and the store's manager (each run sets the password again).
printf 'demo-password\n' | "$BIN/odr-hub" user add --config "$DEMO/hub.toml" --user hq --role chain --name "总部" >/dev/null
printf 'demo-password\n' | "$BIN/odr-hub" user add --config "$DEMO/hub.toml" --user gulou --role store \
  --store nj-gulou-01 --name "鼓楼店店长" >/dev/null
rm -f "$DEMO/hub.port"
"$BIN/odr-hub" serve --config "$DEMO/hub.toml" 2>"$DEMO/odr-hub.log" &
HUB_PID=$!
for _ in $(seq 100); do [ -s "$DEMO/hub.port" ] && break; sleep 0.1; done
[ -s "$DEMO/hub.port" ] || { echo "odr-hub did not start; see $DEMO/odr-hub.log" >&2; exit 1; }
HUB_PORT=$(cat "$DEMO/hub.port")

# The store's encryption key, beside the config (kiosk.store_key_file's default):
# the demo store is encrypted as an installed kiosk's is.
[ -e "$DEMO/store.key" ] || "$BIN/kiosk-sync" make-store-key "$DEMO/store.key" >/dev/null

# 3. The kiosk's config: the shipped example, pointed at the simulator and the hub.
sed -e "s|^data_dir = .*|data_dir = \"$DEMO/data\"|" \
    -e "s|^workdays_dir = .*|workdays_dir = \"$ROOT/config/workdays\"|" \
    -e "s|^dir = \"/media/usb\".*|dir = \"$DEMO/export\"|" \
    -e "/^\[gateway\]/,/^\[/ {
          s|^base_url = .*|base_url = \"https://127.0.0.1:$PORT/odr/v1\"|
          s|^key_file = .*|key_file = \"$DEMO/dev/kiosk.key\"|
          s|^ca_file = .*|ca_file = \"$DEMO/dev/ca.pem\"|
        }" \
    -e "/^\[hub\]/,/^\[/ {
          s|^base_url = .*|base_url = \"https://127.0.0.1:$HUB_PORT/odr/v1\"|
          s|^ca_file = .*|ca_file = \"$DEMO/dev/ca.pem\"|
        }" \
    config/kiosk.toml > "$DEMO/kiosk.toml"
# The kiosk delivers to the hub once its config knows [hub] (issue 14's kiosk
# side). Until config/kiosk.toml has the section, it is added here only when
# this kiosk-sync takes a config with it; one that refuses it gets none.
if ! grep -q '^\[hub\]' config/kiosk.toml; then
  cp "$DEMO/kiosk.toml" "$DEMO/kiosk.toml.new"
  printf '\n[hub]\nbase_url = "https://127.0.0.1:%s/odr/v1"\nca_file = "%s"\npinned_pubkey = ""\nheartbeat_interval_s = 60\n' \
    "$HUB_PORT" "$DEMO/dev/ca.pem" >> "$DEMO/kiosk.toml.new"
  if "$BIN/kiosk-sync" --config "$DEMO/kiosk.toml.new" pending-count >/dev/null 2>&1; then
    mv "$DEMO/kiosk.toml.new" "$DEMO/kiosk.toml"
  else
    rm -f "$DEMO/kiosk.toml.new"
    echo "note: this kiosk does not take a [hub] section yet: it delivers to platform-sim only"
  fi
fi

# 4. Demo data, once: complaints taken on paper, and a staff account.
if [ ! -f "$DEMO/data/.seeded" ]; then
  "$BIN/kiosk-sync" --config "$DEMO/kiosk.toml" import assets/demo/complaints.jsonl
  printf '1234\n' | "$BIN/kiosk-sync" --config "$DEMO/kiosk.toml" staff add demo "演示店员"
  touch "$DEMO/data/.seeded"
fi

echo "platform-sim: https://127.0.0.1:$PORT/ (CA: $DEMO/dev/ca.pem)"
echo "odr-hub:      https://127.0.0.1:$HUB_PORT/odr/v1 (log: $DEMO/odr-hub.log; kiosks: $BIN/odr-hub kiosk list --config $DEMO/hub.toml)"
echo "dashboard:    https://127.0.0.1:$HUB_PORT/ (users hq and gulou, password demo-password; the browser must trust $DEMO/dev/ca.pem)"
echo "PostgreSQL:   $PGBIN/psql -d \"$PG_CONN dbname=odr_hub\" (cluster: $PG)"
if [ -n "${DISPLAY:-}" ] && [ "${ODR_DEMO_TOUR:-0}" != 1 ]; then
  "$BIN/odr-kiosk" --config "$DEMO/kiosk.toml"
else
  echo "No display: touring every screen under Xvfb..."
  rm -rf "$DEMO/tour"
  xvfb-run -a -s "-screen 0 1920x1920x24" "$BIN/odr-kiosk" --config "$DEMO/kiosk.toml" --tour "$DEMO/tour"
  "$BIN/kiosk-sync" --config "$DEMO/kiosk.toml" once || true
  "$BIN/kiosk-sync" --config "$DEMO/kiosk.toml" status || true
  "$BIN/odr-hub" kiosk list --config "$DEMO/hub.toml" || true
  echo "Screenshots of every screen: $DEMO/tour/"
fi
