#!/usr/bin/env bash
# The whole demo on a fresh Debian 12 machine: installs packages, builds,
# makes a development CA and kiosk key, starts platform-sim (the reference
# 12315 ODR gateway) on 127.0.0.1, seeds demo complaints and a demo staff
# account (id "demo", PIN 1234), and starts the kiosk configured for it.
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
trap 'kill $SIM_PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$DEMO/sim.port" ] && break; sleep 0.1; done
[ -s "$DEMO/sim.port" ] || { echo "platform-sim did not start; see $DEMO/platform-sim.log" >&2; exit 1; }
PORT=$(cat "$DEMO/sim.port")

# 3. The kiosk's config: the shipped example, pointed at the simulator.
sed -e "s|^data_dir = .*|data_dir = \"$DEMO/data\"|" \
    -e "s|^workdays_dir = .*|workdays_dir = \"$ROOT/config/workdays\"|" \
    -e "s|^dir = \"/media/usb\".*|dir = \"$DEMO/export\"|" \
    -e "s|^base_url = .*|base_url = \"https://127.0.0.1:$PORT/odr/v1\"|" \
    -e "s|^key_file = .*|key_file = \"$DEMO/dev/kiosk.key\"|" \
    -e "s|^ca_file = .*|ca_file = \"$DEMO/dev/ca.pem\"|" \
    config/kiosk.toml > "$DEMO/kiosk.toml"

# The store's encryption key, beside the config (kiosk.store_key_file's default):
# the demo store is encrypted as an installed kiosk's is.
[ -e "$DEMO/store.key" ] || "$BIN/kiosk-sync" make-store-key "$DEMO/store.key" >/dev/null

# 4. Demo data, once: complaints taken on paper, and a staff account.
if [ ! -f "$DEMO/data/.seeded" ]; then
  "$BIN/kiosk-sync" --config "$DEMO/kiosk.toml" import assets/demo/complaints.jsonl
  printf '1234\n' | "$BIN/kiosk-sync" --config "$DEMO/kiosk.toml" staff add demo "演示店员"
  touch "$DEMO/data/.seeded"
fi

echo "platform-sim: https://127.0.0.1:$PORT/ (CA: $DEMO/dev/ca.pem)"
if [ -n "${DISPLAY:-}" ] && [ "${ODR_DEMO_TOUR:-0}" != 1 ]; then
  "$BIN/odr-kiosk" --config "$DEMO/kiosk.toml"
else
  echo "No display: touring every screen under Xvfb..."
  rm -rf "$DEMO/tour"
  xvfb-run -a -s "-screen 0 1920x1920x24" "$BIN/odr-kiosk" --config "$DEMO/kiosk.toml" --tour "$DEMO/tour"
  "$BIN/kiosk-sync" --config "$DEMO/kiosk.toml" once || true
  "$BIN/kiosk-sync" --config "$DEMO/kiosk.toml" status || true
  echo "Screenshots of every screen: $DEMO/tour/"
fi
