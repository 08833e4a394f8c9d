#!/usr/bin/env bash
# Writes a public real-world demand series as series CSV (timestamp,value) for `npm run eval -- --series`:
# `taylor` from the R forecast package, half-hourly electricity demand of England and Wales, 12 weeks
# from Monday 5 June 2000 (Taylor 2003), daily and weekly seasons. Not shipped in this repository.
# Usage: bash scripts/export-taylor.sh OUT.csv   (installs r-cran-forecast through apt-get if missing)
set -euo pipefail
out=${1:?usage: bash scripts/export-taylor.sh OUT.csv}
if ! Rscript -e 'library(forecast)' >/dev/null 2>&1; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get install -y --no-install-recommends r-cran-forecast >/dev/null
fi
Rscript -e '
  suppressMessages(library(forecast))
  x <- as.numeric(taylor)
  t0 <- as.POSIXct("2000-06-05 00:00:00", tz = "UTC")
  ts <- format(t0 + (seq_along(x) - 1) * 1800, "%Y-%m-%dT%H:%M:%SZ", tz = "UTC")
  write.csv(data.frame(timestamp = ts, value = x), commandArgs(TRUE)[1], row.names = FALSE, quote = FALSE)
' "$out"
echo "$(($(wc -l < "$out") - 1)) rows -> $out"
