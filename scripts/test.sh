#!/usr/bin/env bash
# The one test command (`npm test`): services check, build, typecheck, lint, then every test.
# Integration tests start their own redis-server and influxd on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-services.sh

if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi
echo "== build (tsc, strict)"
npx tsc -p tsconfig.json
echo "== lint and format check (biome)"
npx biome check .
echo "== tests (node --test)"
# Unit tests sit beside the code; integration tests live in test/.
mapfile -t files < <(find dist -name '*.test.js' -not -path '*/node_modules/*' | sort)
node --test --test-concurrency=2 --test-timeout=300000 "${files[@]}"
