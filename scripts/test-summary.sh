#!/usr/bin/env bash
# Print how many test cases ran on each database engine in the last ctest run of BUILD.
set -euo pipefail
log=${1:?build dir}/Testing/Temporary/LastTest.log
[ -f "$log" ] || { echo "test-summary: no $log" >&2; exit 1; }
awk '/^XF-TESTS engine=/ {
  split($2, e, "="); split($3, r, "="); split($4, f, "=");
  run[e[2]] += r[2]; failed[e[2]] += f[2]; total += r[2]; bad += f[2]
}
END {
  for (k in run) printf "test cases on %s: %d run, %d failed\n", k, run[k], failed[k]
  printf "cases: %d passed, %d failed\n", total - bad, bad
}' "$log"
