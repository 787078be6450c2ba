#!/usr/bin/env bash
# Run every harness in turn for SECONDS each (default 300), niced, one core; logs in fuzz/logs/.
# Usage: fuzz/run_all.sh [SECONDS] [harness ...]   e.g. fuzz/run_all.sh 600 text jsonl
set -u
cd "$(dirname "$0")"
seconds="${1:-300}"
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -eq 0 ] && harnesses=(text jsonl gzip warc feed html clean)
mkdir -p logs artifacts
for h in "${harnesses[@]}"; do
  nice -n 19 ../.venv/bin/python "fuzz_$h.py" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="artifacts/$h-" -print_final_stats=1 \
    >"logs/$h.log" 2>&1
  echo "$h: exit $? $(grep -E '^Done [0-9]+ runs' "logs/$h.log")"
done
