#!/bin/bash
# Compares the scheduler with the CP-SAT optimum on generated instances without groups.
# Usage: Benchmarks/SchedulerBenchmark/compare-exact.sh PARTICIPANTS STAFFING ROOMS SEED...
# Needs a release build (swift build -c release) and `pip install ortools`.
set -euo pipefail
cd "$(dirname "$0")"
n=$1; staffing=$2; rooms=$3; shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for seed in "$@"; do
  out=$(.build/release/SchedulerBenchmark "$n" --days 7 --no-groups --seed "$seed" --staffing "$staffing" --rooms "$rooms" \
        --ms "${MS:-2000}" --dump-instance "$tmp/i.json")
  ours=$(echo "$out" | grep -o ' placed=[0-9]*' | cut -d= -f2)
  exact=$(python3 exact_cpsat.py "$tmp/i.json" "${EXACT_SECONDS:-60}")
  echo "n=$n staffing=$staffing rooms=$rooms seed=$seed ours=$ours exact=$exact"
done
