#!/usr/bin/env bash
# The Debian packages, tested as a store PC gets them (CI, as root):
# build from a clean copy of the tree, lintian, apt-get install, then with
# installed files only: platform-sim on 127.0.0.1 + a provisioned kiosk-sync
# delivers complaints; removal refuses while complaints are undelivered;
# the unit verifies and rates OK; the kiosk under cage (headless wlroots,
# pixman) shows the welcome screen and comes back after it is killed, run
# the way odr-kiosk.service runs it. odr-hub: against a throwaway PostgreSQL
# cluster, configured in its installed hub.toml, migrated, a kiosk added,
# served the way odr-hub.service runs it, a signed heartbeat stored, purged.
# Removes what it installed at the end.
#   ODR_PKG_SCREENSHOT=FILE  keep the screenshot of the kiosk under cage
#   ODR_PKG_KEEP=1           keep the work folder (it is kept on failure)
#   ODR_PKG_DEBS=DIR         test the packages (and .changes) in DIR instead of building them
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "package-test: run as root (it installs packages)" >&2; exit 2; }
if dpkg-query -W -f='${db:Status-Status}' odr-kiosk 2>/dev/null | grep -q installed; then
  echo "package-test: odr-kiosk is installed on this machine; not touching it" >&2; exit 2
fi
T0=$(date +%s)
WORK=$(mktemp -d /tmp/odr-pkgtest.XXXXXX)
chmod 0755 "$WORK"   # the service user reads the test's CA and complaints here
step() { echo "== package-test [$(( $(date +%s) - T0 )) s] $*"; }
fail() { echo "package-test: FAIL: $*" >&2; exit 1; }

# What was here before, so that cleanup leaves the machine as found.
had_user=0; getent passwd odr-kiosk >/dev/null && had_user=1
had_group=0; getent group odr-kiosk >/dev/null && had_group=1
had_state=0; [ -e /var/lib/odr-kiosk ] && had_state=1
had_etc=0; [ -e /etc/odr-kiosk ] && had_etc=1
had_hub_user=0; getent passwd odr-hub >/dev/null && had_hub_user=1
had_hub_group=0; getent group odr-hub >/dev/null && had_hub_group=1
had_hub_etc=0; [ -e /etc/odr-hub ] && had_hub_etc=1
PG=""   # the hub test's PostgreSQL cluster, while it runs
PIDS=()
ok=0
on_machine() {  # dpkg has files or config of package $1
  case "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" in
    ''|not-installed) return 1 ;;
    *) return 0 ;;
  esac
}
STICK=""
had_media=0; [ -e /media/usb ] && had_media=1
cleanup() {
  set +e
  touch "$WORK/stop"
  if [ -n "$STICK" ]; then
    mountpoint -q /media/usb && umount /media/usb
    mountpoint -q "$WORK/check" && umount "$WORK/check"
    losetup -d "$STICK"
  fi
  [ "$had_media" = 1 ] || rmdir /media/usb 2>/dev/null
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  if getent passwd odr-kiosk >/dev/null; then   # cage, Xwayland, the kiosk: ours, by pid
    for p in $(ps -u odr-kiosk -o pid= 2>/dev/null); do kill "$p" 2>/dev/null; done
  fi
  if getent passwd odr-hub >/dev/null; then   # the hub test's odr-hub, by pid
    for p in $(ps -u odr-hub -o pid= 2>/dev/null); do kill "$p" 2>/dev/null; done
  fi
  wait 2>/dev/null
  [ -z "$PG" ] || pg_as_owner stop -m immediate -w >/dev/null 2>&1
  # Only what dpkg still knows: apt refuses a purge naming a package it cannot find.
  local left=()
  for p in odr-kiosk odr-platform-sim odr-hub; do
    on_machine "$p" && left+=("$p")
  done
  [ ${#left[@]} -eq 0 ] || ODR_FORCE_REMOVE=1 apt-get purge -y -qq "${left[@]}" >"$WORK/purge.log" 2>&1 \
    || { echo "package-test: purging ${left[*]} failed:"; cat "$WORK/purge.log"; }
  [ "$had_state" = 1 ] || rm -rf /var/lib/odr-kiosk
  [ "$had_etc" = 1 ] || rm -rf /etc/odr-kiosk
  [ "$had_user" = 1 ] || userdel odr-kiosk 2>/dev/null
  [ "$had_group" = 1 ] || groupdel odr-kiosk 2>/dev/null
  [ "$had_hub_etc" = 1 ] || rm -rf /etc/odr-hub
  [ "$had_hub_user" = 1 ] || userdel odr-hub 2>/dev/null
  [ "$had_hub_group" = 1 ] || groupdel odr-hub 2>/dev/null
  if [ "$ok" = 1 ] && [ "${ODR_PKG_KEEP:-0}" != 1 ]; then rm -rf "$WORK"; else echo "package-test: work folder kept: $WORK"; fi
}
trap cleanup EXIT

# Builds N+1 from the same tree (one more changelog entry, one more schema
# migration; an incremental build of what changed), installs it over N with a
# complaint pending, restarts the kiosk the way the unit would, and checks
# the migration ran and the pending complaint goes out once.
upgrade_test() {
  local old_pid=$1 n1=0.1.0+upgradetest1
  step "upgrade to $n1"
  sed -n 4p "$ROOT/assets/demo/complaints.jsonl" > "$WORK/upgrade.jsonl"; chmod 0644 "$WORK/upgrade.jsonl"
  kiosk-sync import "$WORK/upgrade.jsonl"
  [ "$(kiosk-sync pending-count)" = 1 ] || fail "pending before the upgrade: $(kiosk-sync pending-count)"
  local schema_before; schema_before=$(store_sql 'PRAGMA user_version;')
  local on_gateway_before; on_gateway_before=$(sqlite3 "$WORK/gw/platform-sim.db" 'SELECT count(*) FROM complaints')
  ( cd "$WORK/src"
    { printf 'odr-kiosk (%s) unstable; urgency=medium\n\n  * Upgrade test: one more schema migration.\n\n' "$n1"
      printf ' -- odr-kiosk package test <root@localhost>  %s\n\n' "$(date -R)"; cat debian/changelog; } > changelog.new
    mv changelog.new debian/changelog
    python3 - sync/core/store/schema.cpp <<'PY'
import re, sys
p = sys.argv[1]; s = open(p).read()
v = int(re.search(r"kSchemaVersion = (\d+);", s).group(1))
s = s.replace("kSchemaVersion = %d;" % v, "kSchemaVersion = %d;" % (v + 1), 1)
s = s.replace(')sql",\n};', ')sql",\n    R"sql(CREATE TABLE upgrade_probe (x INTEGER);)sql",\n};', 1)
open(p, "w").write(s)
PY
    rm -f debian/debhelper-build-stamp  # else dh skips the build: -nc keeps obj-*/, so only what changed is rebuilt
    DEB_BUILD_OPTIONS="parallel=${JOBS:-2} noddebs nocheck" dpkg-buildpackage -b -us -uc -nc >"$WORK/build-n1.log" 2>&1
  ) || { tail -40 "$WORK/build-n1.log"; fail "building $n1"; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$WORK"/odr-kiosk_${n1}_*.deb "$WORK"/odr-platform-sim_${n1}_*.deb \
    >"$WORK/upgrade.log" 2>&1 || { cat "$WORK/upgrade.log"; fail "apt-get install $n1 over N (a pending complaint must not refuse an upgrade)"; }
  [ "$(dpkg-query -W -f='${Version}' odr-kiosk)" = "$n1" ] || fail "odr-kiosk is not $n1 after the upgrade"
  # The unit's restart (deb-systemd-invoke try-restart, no systemd here): the old kiosk ends, the new one starts.
  kill "$old_pid"
  sleep 3
  wait_welcome "$WORK/shots/upgraded.png" || fail "the upgraded kiosk does not show its welcome screen"
  local new_pid; new_pid=$(kiosk_pid)
  [ -n "$new_pid" ] && [ "$new_pid" != "$old_pid" ] || fail "the kiosk was not restarted after the upgrade"
  local schema_after; schema_after=$(store_sql 'PRAGMA user_version;')
  [ "$schema_after" = $((schema_before + 1)) ] || fail "schema $schema_before -> $schema_after: the new migration did not run"
  [ "$(store_sql 'SELECT count(*) FROM complaints;')" = 3 ] || fail "complaints lost in the upgrade"
  # The restarted kiosk's own engine may have sent it already; once sends what is left.
  kiosk-sync once | tee "$WORK/once-n1.log"
  [ "$(kiosk-sync pending-count)" = 0 ] || fail "the pending complaint did not go out after the upgrade"
  local on_gateway; on_gateway=$(sqlite3 "$WORK/gw/platform-sim.db" 'SELECT count(*) FROM complaints')
  [ "$on_gateway" = $((on_gateway_before + 1)) ] || fail "the gateway holds $on_gateway, was $on_gateway_before: resent or lost"
  echo "upgraded to $n1 with the kiosk running: schema $schema_before -> $schema_after, nothing lost, nothing sent twice"
}

# odr-hub, installed: a throwaway PostgreSQL cluster (initdb + pg_ctl as
# nobody, as tests/support/pg.cpp does: trust, on a socket in the work
# folder only), the installed hub.toml pointed at it, then the unit's own
# command lines as its user: ExecStartPre (migrate), ExecStart (serve), with
# platform-sim's dev certificate. kiosk-sync does not talk to a hub yet: a
# heartbeat signed here the way a kiosk signs (docs/protocol.md) stands in.
PGBIN=/usr/lib/postgresql/15/bin
pg_as_owner() { runuser -u nobody -- "$PGBIN/pg_ctl" -D "$PG/data" "$@"; }
as_hub() { setpriv --reuid=odr-hub --regid=odr-hub --init-groups env -i PATH=/usr/bin:/bin "$@"; }
heartbeat() {  # heartbeat BASE KEYFILE: a signed POST {base}/heartbeat as store-test-01; prints the status
  python3 - "$@" "$WORK/gw/ca.pem" <<'PY'
import base64, hashlib, hmac, json, os, ssl, sys, time, urllib.error, urllib.parse, urllib.request
base, keyfile, ca = sys.argv[1:]
key = base64.b64decode(open(keyfile).read().strip())
body = json.dumps({"version": "odr-kiosk package-test", "outbox": [{"destination": "hub", "pending": 0, "held": 0}]}).encode()
ts, nonce = str(int(time.time())), os.urandom(16).hex()
target = urllib.parse.urlsplit(base).path + "/heartbeat"
to_sign = "\n".join(["ODR1-HMAC-SHA256", "POST", target, ts, nonce, hashlib.sha256(body).hexdigest()])
req = urllib.request.Request(base + "/heartbeat", data=body, method="POST", headers={
    "Content-Type": "application/json", "X-ODR-Kiosk": "store-test-01", "X-ODR-Timestamp": ts, "X-ODR-Nonce": nonce,
    "X-ODR-Signature": hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()})
try:
    with urllib.request.urlopen(req, context=ssl.create_default_context(cafile=ca), timeout=10) as r:
        print(r.status)
except urllib.error.HTTPError as e:
    print(e.code)
PY
}
hub_test() {
  local unit=/lib/systemd/system/odr-hub.service conf=/etc/odr-hub/hub.toml key
  step "odr-hub: the package and its unit"
  for f in /usr/bin/odr-hub "$conf" /usr/share/odr-hub/workdays/2026.json /usr/share/odr-hub/hub.toml.example \
           "$unit" /usr/share/doc/odr-hub/README.md; do
    [ -e "$f" ] || fail "$f not installed"
  done
  dpkg-query -W -f='${Conffiles}\n' odr-hub | grep -q "$conf" || fail "hub.toml is not a conffile"
  dpkg-query -W -f='${Depends}\n' odr-hub | grep -q libpq5 || fail "odr-hub does not depend on libpq5"
  dpkg-query -W -f='${Recommends}\n' odr-hub | grep -qw postgresql || fail "odr-hub does not recommend postgresql"
  [ "$(stat -c '%a %U %G' "$conf")" = "640 root odr-hub" ] || fail "hub.toml: $(stat -c '%a %U %G' "$conf")"
  # Enabled, but no start (and so no failing restarts) before the key the config names is there.
  key=$(sed -n 's/^tls_key = "\(.*\)"/\1/p' "$conf")
  [ -n "$key" ] && grep -qx "ConditionPathExists=$key" "$unit" || fail "the unit does not wait for the config's TLS key '$key'"
  [ ! -e "$key" ] || fail "$key is there before anyone put it there"
  systemd-analyze verify "$unit" 2>&1 | tee "$WORK/verify-hub.log"
  ! grep -v "Failed to .* Operation not permitted\|not booted with systemd" "$WORK/verify-hub.log" | grep -q . \
    || fail "systemd-analyze verify complained about odr-hub.service"
  local rating; rating=$(systemd-analyze security --offline=true "$unit" 2>&1 | grep 'Overall exposure')
  echo "$rating"
  echo "$rating" | grep -Eq ' (OK|SAFE)( |$)' || fail "odr-hub.service is not rated OK or better"

  step "odr-hub: a PostgreSQL cluster, migrate, kiosk add"
  PG="$WORK/pg"; install -d -o nobody -m 0755 "$PG"
  runuser -u nobody -- "$PGBIN/initdb" -D "$PG/data" -U odr --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync \
    >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log"; fail "initdb"; }
  pg_as_owner start -w -t 60 -l "$PG/server.log" -o "-c listen_addresses= -k $PG -c fsync=off" >/dev/null \
    || { cat "$PG/server.log"; fail "pg_ctl start"; }
  "$PGBIN/createdb" -h "$PG" -U odr odr_hub || fail "createdb"
  # The admin's part: the connection string, the TLS pair (0640 root:odr-hub, as postinst leaves it);
  # a free port and a port file for the test only.
  install -d -o odr-hub -g odr-hub "$WORK/hub"
  sed -i -e "s|^url = .*|url = \"host=$PG port=5432 user=odr dbname=odr_hub connect_timeout=10\"|" \
         -e 's|^host = .*|host = "127.0.0.1"|' -e 's|^port = .*|port = 0|' \
         -e "s|^# port_file = .*|port_file = \"$WORK/hub/hub.port\"|" "$conf"
  install -m 0644 "$WORK/gw/server.pem" "$(sed -n 's/^tls_cert = "\(.*\)"/\1/p' "$conf")"
  install -o root -g odr-hub -m 0640 "$WORK/gw/server.key" "$key"
  local pre start
  pre=$(sed -n 's/^ExecStartPre=//p' "$unit"); start=$(sed -n 's/^ExecStart=//p' "$unit")
  # shellcheck disable=SC2086
  as_hub $pre | tee "$WORK/migrate.log"
  grep -q "migrated to version" "$WORK/migrate.log" || fail "the unit's migrate did not migrate the new database"
  local again
  # shellcheck disable=SC2086
  again=$(as_hub $pre)
  [[ $again == *"up to date"* ]] || fail "a second migrate is not a no-op: $again"
  odr-hub kiosk add --config "$conf" --kiosk store-test-01 --store SH-XUHUI-01 --region east-china \
    --key-file "$WORK/gw/kiosk.key" || fail "odr-hub kiosk add"

  step "odr-hub: serve as the unit does, HTTPS, a signed heartbeat"
  # A simple command, so that $! is the hub itself (setpriv and env exec it), as systemd's main pid.
  # shellcheck disable=SC2086
  setpriv --reuid=odr-hub --regid=odr-hub --init-groups env -i PATH=/usr/bin:/bin $start 2>"$WORK/hub.log" &
  PIDS+=($!); local hub=$!
  for _ in $(seq 100); do [ -s "$WORK/hub/hub.port" ] && break; sleep 0.1; done
  [ -s "$WORK/hub/hub.port" ] || { cat "$WORK/hub.log"; fail "odr-hub serve did not start"; }
  local base; base="https://127.0.0.1:$(cat "$WORK/hub/hub.port")/odr/v1"
  curl -sS --max-time 10 --cacert "$WORK/gw/ca.pem" "$base/health" | tee "$WORK/hub-health.json"; echo
  grep -q '"server_time"' "$WORK/hub-health.json" || fail "GET $base/health over HTTPS"
  head -c 32 /dev/urandom | base64 > "$WORK/other.key"
  [ "$(heartbeat "$base" "$WORK/other.key")" = 401 ] || fail "a heartbeat signed with another key was not refused"
  [ "$(heartbeat "$base" "$WORK/gw/kiosk.key")" = 200 ] || { cat "$WORK/hub.log"; fail "the kiosk's signed heartbeat was not taken"; }
  odr-hub kiosk list --config "$conf" | tee "$WORK/hub-kiosks.log"
  grep -E '^store-test-01 +SH-XUHUI-01 +east-china ' "$WORK/hub-kiosks.log" | grep -vq ' never$' \
    || fail "kiosk list does not show store-test-01 at its store with a heartbeat"
  [ "$("$PGBIN/psql" -X -At -h "$PG" -U odr -d odr_hub -c 'SELECT count(*) FROM heartbeats')" = 1 ] \
    || fail "PostgreSQL does not hold exactly the one heartbeat"
  kill "$hub"; wait "$hub" || fail "odr-hub did not stop cleanly on SIGTERM (systemctl stop)"

  step "odr-hub: purge"
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq odr-hub >"$WORK/purge-hub.log" 2>&1 \
    || { cat "$WORK/purge-hub.log"; fail "purging odr-hub"; }
  ! on_machine odr-hub || fail "odr-hub still known to dpkg after purge"
  [ ! -e "$conf" ] || fail "purge left $conf"
  pg_as_owner stop -m fast -w >/dev/null || fail "pg_ctl stop"
  PG=""
  echo "odr-hub: installed, migrated, kiosk added, served over HTTPS, heartbeat stored, purged"
}

# --- 1. build from a clean copy of the tree (what git tracks, as it is now) ----
if [ -n "${ODR_PKG_DEBS:-}" ]; then   # packages built before (iterating on this script)
  step "using the packages in $ODR_PKG_DEBS"
  cp "$ODR_PKG_DEBS"/*.deb "$ODR_PKG_DEBS"/*.changes "$WORK/"
else
  step "building the packages"
  mkdir "$WORK/src"
  (cd "$ROOT" && git ls-files -z | tar --null --ignore-failed-read -T - -cf -) | tar -x -C "$WORK/src"
  (cd "$WORK/src" && DEB_BUILD_OPTIONS="parallel=${JOBS:-2} noddebs ${DEB_BUILD_OPTIONS:-}" \
    dpkg-buildpackage -b -us -uc >"$WORK/build.log" 2>&1) || { tail -40 "$WORK/build.log"; fail "dpkg-buildpackage"; }
fi
cd "$WORK"
ls odr-kiosk_*.deb odr-platform-sim_*.deb odr-hub_*.deb >/dev/null

step "lintian"
lintian --tag-display-limit 0 ./*.changes >"$WORK/lintian.log" 2>&1 || true
cat "$WORK/lintian.log"
! grep -q '^E:' "$WORK/lintian.log" || fail "lintian errors"

# --- 2. install ------------------------------------------------------------------
step "apt-get install"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ./odr-kiosk_*.deb ./odr-platform-sim_*.deb ./odr-hub_*.deb >"$WORK/install.log" 2>&1 \
  || { cat "$WORK/install.log"; fail "apt-get install"; }
for f in /usr/bin/odr-kiosk /usr/bin/kiosk-sync /usr/bin/platform-sim /etc/odr-kiosk/kiosk.toml \
         /usr/share/odr-kiosk/assets/i18n/zh_CN.po /usr/share/odr-kiosk/workdays/2026.json \
         /lib/systemd/system/odr-kiosk.service /etc/pam.d/odr-kiosk; do
  [ -e "$f" ] || fail "$f not installed"
done
[ "$(stat -c '%a %U' /var/lib/odr-kiosk)" = "700 odr-kiosk" ] || fail "/var/lib/odr-kiosk: $(stat -c '%a %U' /var/lib/odr-kiosk)"
dpkg-query -W -f='${Conffiles}\n' odr-kiosk | grep -q /etc/odr-kiosk/kiosk.toml || fail "kiosk.toml is not a conffile"
# The input and speech engines are opened on first use (kiosk/dynlib), so
# dpkg-shlibdeps cannot see them: the package must name them itself.
for lib in librime1 libzinnia0 libespeak-ng1; do
  dpkg-query -W -f='${Depends}\n' odr-kiosk | grep -qw "$lib" || fail "odr-kiosk does not depend on $lib (opened with dlopen)"
done
[ "$(stat -c '%a %U %G' /etc/odr-kiosk/store.key)" = "640 root odr-kiosk" ] \
  || fail "store key: $(stat -c '%a %U %G' /etc/odr-kiosk/store.key 2>&1)"
grep -Eq '^[0-9a-f]{64}$' /etc/odr-kiosk/store.key || fail "the store key is not 64 hex digits"

# --- 2b. the export stick: mounted for the kiosk, unmounted when it asks ----------
# A real ext4 stick image on a loop device through the installed helper (the
# udev rule and units start it on a store PC; no systemd here). FAT needs the
# vfat kernel module, which containers often lack: ext4 stands in.
step "the export stick"
truncate -s 32M "$WORK/stick.img" && mkfs.ext4 -q -F "$WORK/stick.img"
if STICK=$(losetup -f --show "$WORK/stick.img" 2>/dev/null); then
  [ -d /run/odr-kiosk-usb ] && [ "$(stat -c '%a %G' /run/odr-kiosk-usb)" = "770 odr-kiosk" ] \
    || fail "/run/odr-kiosk-usb: $(stat -c '%a %G' /run/odr-kiosk-usb 2>&1)"
  /usr/lib/odr-kiosk/odr-kiosk-usb mount "$STICK"
  mountpoint -q /media/usb || fail "the stick is not mounted on /media/usb"
  [ "$(stat -c '%U %a' /media/usb)" = "odr-kiosk 700" ] || fail "the stick is not the kiosk's alone: $(stat -c '%U %a' /media/usb)"
  [ "$(cat /run/odr-kiosk-usb/state)" = mounted ] || fail "state: $(cat /run/odr-kiosk-usb/state)"
  setpriv --reuid=odr-kiosk --regid=odr-kiosk --init-groups sh -c 'echo "ticket,status" > /media/usb/export.csv && touch /run/odr-kiosk-usb/eject' \
    || fail "the kiosk's user cannot write its export or ask for the unmount"
  /usr/lib/odr-kiosk/odr-kiosk-usb eject   # odr-kiosk-usb-eject.path's service
  ! mountpoint -q /media/usb || fail "the stick is still mounted after the eject"
  [ ! -e /run/odr-kiosk-usb/eject ] && [ "$(cat /run/odr-kiosk-usb/state)" = ejected ] || fail "eject left its request or state wrong"
  mkdir -p "$WORK/check"; mount -o ro "$STICK" "$WORK/check"
  [ "$(cat "$WORK/check/export.csv")" = "ticket,status" ] || fail "the export is not on the stick after the unmount"
  umount "$WORK/check"; losetup -d "$STICK"; STICK=""
  echo "stick mounted for odr-kiosk, written, unmounted on request, the file on it"
else
  step "export stick skipped: no loop device here"
fi

# --- 3. the unit -------------------------------------------------------------------
step "systemd-analyze"
systemd-analyze verify /lib/systemd/system/odr-kiosk.service 2>&1 | tee "$WORK/verify.log"
! grep -v "Failed to .* Operation not permitted\|not booted with systemd" "$WORK/verify.log" | grep -q . \
  || fail "systemd-analyze verify complained"
# Every unit of the package, the stick's template as an instance.
cp /lib/systemd/system/odr-kiosk-usb@.service "$WORK/odr-kiosk-usb@sdb1.service"
for unit in /lib/systemd/system/odr-kiosk.service "$WORK/odr-kiosk-usb@sdb1.service" \
            /lib/systemd/system/odr-kiosk-usb-eject.service; do
  rating=$(systemd-analyze security --offline=true "$unit" 2>&1 | grep 'Overall exposure')
  echo "$rating"
  echo "$rating" | grep -Eq ' (OK|SAFE)( |$)' || fail "$(basename "$unit") is not rated OK or better"
done
systemd-analyze verify /lib/systemd/system/odr-kiosk-usb-eject.path "$WORK/odr-kiosk-usb@sdb1.service" 2>&1 \
  | tee "$WORK/verify-usb.log"
! grep -v "Failed to .* Operation not permitted\|not booted with systemd\|dev-sdb1.device" "$WORK/verify-usb.log" | grep -q . \
  || fail "systemd-analyze verify complained about the stick's units"

# --- 4. provision against platform-sim on 127.0.0.1, deliver ---------------------
step "platform-sim + kiosk-sync provision"
platform-sim dev-setup --dir "$WORK/gw" --kiosk-id store-test-01 >/dev/null
chmod 0755 "$WORK/gw"; chmod 0644 "$WORK/gw/ca.pem"
platform-sim serve --dir "$WORK/gw" --port 0 --port-file "$WORK/sim.port" --quiet 2>"$WORK/sim.log" &
PIDS+=($!); SIM=$!
for _ in $(seq 100); do [ -s "$WORK/sim.port" ] && break; sleep 0.1; done
[ -s "$WORK/sim.port" ] || fail "platform-sim did not start"
URL="https://127.0.0.1:$(cat "$WORK/sim.port")/odr/v1"
kiosk-sync provision --kiosk-id store-test-01 --gateway "$URL" --ca-file "$WORK/gw/ca.pem" < "$WORK/gw/kiosk.key"
[ "$(stat -c '%a %U %G' /etc/odr-kiosk/kiosk.key)" = "640 root odr-kiosk" ] || fail "key file: $(stat -c '%a %U %G' /etc/odr-kiosk/kiosk.key)"
echo "not a key" | kiosk-sync provision --kiosk-id store-test-01 --gateway "$URL" 2>"$WORK/badkey.log" && fail "a bad key was taken"
grep -q "key" "$WORK/badkey.log" || fail "no clear message for a bad key"
kiosk-sync status | tee "$WORK/status.log"
grep -q '^reachable *yes' "$WORK/status.log" || fail "kiosk-sync status does not reach the gateway"
head -n 2 "$ROOT/assets/demo/complaints.jsonl" > "$WORK/two.jsonl"; chmod 0644 "$WORK/two.jsonl"
kiosk-sync import "$WORK/two.jsonl"
[ "$(kiosk-sync pending-count)" = 2 ] || fail "pending-count after import: $(kiosk-sync pending-count)"
[ -z "$(find /var/lib/odr-kiosk ! -user odr-kiosk)" ] || fail "root's kiosk-sync left files the service cannot use"
step "the store is encrypted at rest"
phone=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["consumer"]["phone"])' "$WORK/two.jsonl")
[ "$(head -c 15 /var/lib/odr-kiosk/odr-kiosk.db)" != "SQLite format 3" ] || fail "the installed store is a plain SQLite file"
! cat /var/lib/odr-kiosk/odr-kiosk.db* | grep -aq "$phone" || fail "the phone number $phone is readable in the store's files"
grep -aq "$phone" "$WORK/two.jsonl" || fail "the grep for the phone number cannot find it even where it is"
store_sql() {  # a query on the installed store, with its key
  sqlcipher /var/lib/odr-kiosk/odr-kiosk.db "PRAGMA key = \"x'$(cat /etc/odr-kiosk/store.key)'\";" \
    "PRAGMA cipher_page_size = 4096;" "$1" | tail -n 1
}
[ "$(store_sql 'SELECT count(*) FROM complaints;')" = 2 ] || fail "the key does not open the installed store"

step "removal refusal"
if DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq odr-kiosk >"$WORK/remove.log" 2>&1; then fail "removal was not refused"; fi
cat "$WORK/remove.log"
grep -q "2 complaint(s) are not yet delivered" "$WORK/remove.log" || fail "the refusal does not say how many"
grep -q "kiosk-sync recover" "$WORK/remove.log" || fail "the refusal does not say how to export"
dpkg-query -W -f='${db:Status-Status}' odr-kiosk | grep -q '^installed' || fail "odr-kiosk is no longer installed"

step "delivery"
kiosk-sync once | tee "$WORK/once.log"
grep -q "delivered 2 complaint" "$WORK/once.log" || fail "kiosk-sync once did not deliver both"
[ "$(kiosk-sync pending-count)" = 0 ] || fail "still pending after delivery"

# --- 4b. odr-hub (uses platform-sim's dev CA and the kiosk's key from step 4) ------
hub_test

# --- 5. the kiosk under cage, run the way the unit runs it --------------------------
step "odr-kiosk under cage"
install -d -o odr-kiosk -g odr-kiosk -m 0700 "$WORK/xdg" "$WORK/shots"
# systemd's side of Type=notify: a datagram socket that logs what arrives.
python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o666)
with open(sys.argv[2], "a", buffering=1) as log:
    while True: log.write(s.recv(4096).decode(errors="replace").replace("\n", " ") + "\n")
' "$WORK/notify.sock" "$WORK/notify.log" &
PIDS+=($!)
# LoadCredential=store-key: systemd's copy of the key, the service's alone.
install -d -o odr-kiosk -g odr-kiosk -m 0700 "$WORK/creds"
install -o odr-kiosk -g odr-kiosk -m 0400 /etc/odr-kiosk/store.key "$WORK/creds/store-key"
as_kiosk() {
  setpriv --reuid=odr-kiosk --regid=odr-kiosk --init-groups env -i PATH=/usr/bin:/bin HOME=/var/lib/odr-kiosk \
    CREDENTIALS_DIRECTORY="$WORK/creds" \
    XDG_RUNTIME_DIR="$WORK/xdg" WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 \
    NOTIFY_SOCKET="$WORK/notify.sock" WATCHDOG_USEC=6000000 "$@"
}
# Restart=always, RestartSec=2: the unit's ExecStart, again whenever it ends.
ExecStart=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/odr-kiosk.service)
(
  while [ ! -e "$WORK/stop" ]; do
    # shellcheck disable=SC2086
    as_kiosk $ExecStart >>"$WORK/cage.log" 2>&1 &
    echo $! > "$WORK/cage.pid"
    wait $! || true
    echo "restart" >> "$WORK/restarts"
    sleep 2
  done
) &
PIDS+=($!)
shot() {  # shot FILE: a screenshot; prints the mean brightness 0..1
  rm -f "$1"
  as_kiosk env WAYLAND_DISPLAY=wayland-0 grim "$1" 2>/dev/null || { echo 0; return; }
  convert "$1" -colorspace Gray -format '%[fx:mean]' info: 2>/dev/null || echo 0
}
wait_welcome() {  # wait_welcome FILE: up to 90 s for a bright (welcome) screen
  local m=0
  for _ in $(seq 90); do
    sleep 1
    [ -S "$WORK/xdg/wayland-0" ] || continue
    m=$(shot "$1")
    awk -v m="$m" 'BEGIN { exit !(m > 0.5) }' && { echo "screen brightness $m"; return 0; }
  done
  echo "screen brightness $m"; return 1
}
kiosk_pid() { ps -u odr-kiosk -o pid=,comm= 2>/dev/null | awk '$2 == "odr-kiosk" { print $1 }'; }
wait_welcome "$WORK/shots/welcome.png" || fail "the kiosk under cage is black or missing (see $WORK/cage.log)"
[ -n "${ODR_PKG_SCREENSHOT:-}" ] && cp "$WORK/shots/welcome.png" "$ODR_PKG_SCREENSHOT"
sleep 5   # the watchdog interval is 6 s here: a ping at least every 2 s
grep -q '^READY=1' "$WORK/notify.log" || fail "no READY=1 from odr-kiosk (sd_notify)"
[ "$(grep -c '^WATCHDOG=1' "$WORK/notify.log")" -ge 2 ] || fail "no WATCHDOG=1 pings from the frame loop"
echo "sd_notify: $(grep -c '^READY=1' "$WORK/notify.log") READY, $(grep -c '^WATCHDOG=1' "$WORK/notify.log") WATCHDOG"
first=$(kiosk_pid)
[ -n "$first" ] || fail "no odr-kiosk under cage"
kill -9 "$first"
step "killed odr-kiosk $first; waiting for it to come back"
sleep 3
wait_welcome "$WORK/shots/again.png" || fail "the kiosk did not come back after being killed"
second=$(kiosk_pid)
[ -n "$second" ] && [ "$second" != "$first" ] || fail "no new odr-kiosk process (was $first, now '$second')"
echo "odr-kiosk $first killed, $second started in its place"

# --- 5b. upgrade N -> N+1 (a new schema migration) while the kiosk runs ------------
if [ -d "$WORK/src" ]; then
  upgrade_test "$second"
else
  step "upgrade test skipped (ODR_PKG_DEBS: no source tree to build N+1 from)"
fi
touch "$WORK/stop"; kill "$(cat "$WORK/cage.pid")" 2>/dev/null || true

# --- 6. forced removal keeps undelivered complaints, even on purge -----------------
step "forced removal and purge"
kill "$SIM"; wait "$SIM" 2>/dev/null || true
sed -n 3p "$ROOT/assets/demo/complaints.jsonl" > "$WORK/one.jsonl"; chmod 0644 "$WORK/one.jsonl"
kiosk-sync import "$WORK/one.jsonl"
[ "$(kiosk-sync pending-count)" = 1 ] || fail "pending-count: $(kiosk-sync pending-count)"
ODR_FORCE_REMOVE=1 DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq odr-kiosk >"$WORK/purge1.log" 2>&1 \
  || { cat "$WORK/purge1.log"; fail "forced removal"; }
cat "$WORK/purge1.log"
[ -s /var/lib/odr-kiosk/odr-kiosk.db ] || fail "purge deleted a store with an undelivered complaint"
grep -q "purge keeps /var/lib/odr-kiosk" "$WORK/purge1.log" || fail "purge kept the store without saying so"

ok=1
step "passed"
cleanup; trap - EXIT
for p in odr-kiosk odr-platform-sim odr-hub; do
  ! on_machine "$p" || { echo "package-test: FAIL: $p left on the machine" >&2; exit 1; }
done
