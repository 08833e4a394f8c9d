#!/usr/bin/env bash
# Integration tests need Debian's redis-server and influxd binaries (the tests start and stop
# them on free ports). Install them when missing and we are root; otherwise say what to install.
set -euo pipefail
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v influxd >/dev/null 2>&1 || missing+=(influxdb)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
/usr/bin/python3 -c 'import SimPy.Simulation' 2>/dev/null || missing+=(python3-simpy)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing missing packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian's packages start system services; the tests run their own on free ports instead.
  (service redis-server stop || true; service influxdb stop || true) >/dev/null 2>&1
else
  echo "Missing test dependencies: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
