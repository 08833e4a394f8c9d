#!/usr/bin/env bash
# Runs ../shared/bench/gateway-peers.sh with Sluice in the project slot (see bench/gateway/README.md).
#   bash bench/gateway/run-peers.sh                       # full run (~10 min)
#   QUICK=1 ROUNDS=1 bash bench/gateway/run-peers.sh      # smoke run
#   SLUICE_BENCH_REDIS=leased bash bench/gateway/run-peers.sh   # limits shared through Redis (leased)
# Results: bench/results/gateway-peers-<stamp>/ (the script's summary.md, results.jsonl, env.txt)
# and bench/results/gateway-peers-<stamp>.json (the per-target figures, for the README).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
PEERS="${PEERS_SCRIPT:-$ROOT/../shared/bench/gateway-peers.sh}"
[[ -f "$PEERS" ]] || PEERS=/work/shared/bench/gateway-peers.sh
[[ -f dist/bench/gateway/start-sluice.js ]] || npx tsc -p tsconfig.json || true
[[ -f dist/bench/gateway/start-sluice.js ]] || { echo "build failed: dist/bench/gateway/start-sluice.js missing" >&2; exit 1; }
STAMP="$(date +%Y%m%d-%H%M%S)"
NAME="sluice${SLUICE_BENCH_REDIS:+-redis-$SLUICE_BENCH_REDIS}"
OUT="$ROOT/bench/results/gateway-peers-$STAMP"
mkdir -p "$OUT"
export PROJECT_GATEWAY_CMD="SLUICE_BENCH_REDIS=${SLUICE_BENCH_REDIS:-} node $ROOT/dist/bench/gateway/start-sluice.js"
export PROJECT_GATEWAY_CWD="$ROOT"
export PROJECT_GATEWAY_NAME="$NAME"
# gateway-peers.sh always sends "Authorization: Bearer sk-bench": the bench policy has that key.
export RESULTS_DIR="$OUT"
bash "$PEERS"
node "$ROOT/dist/bench/gateway/summarize-peers.js" "$OUT/results.jsonl" "$NAME" > "$OUT.json"
echo "wrote $OUT.json"
