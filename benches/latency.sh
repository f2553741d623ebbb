#!/usr/bin/env bash
# Keystroke-to-screen latency of aryz's queue on a database of a million requests, measured
# from outside through tmux, beside `less` moving a line and a page in a 1,000,000-line
# file, in the same run (../shared/tools/tui-latency.py).
#
#   benches/latency.sh [DB]      (default: the database `cargo bench --bench budgets` made)
set -euo pipefail
cd "$(dirname "$0")/.."
probe=../shared/tools/tui-latency.py
[ -f "$probe" ] || { echo "needs $probe (the shared tools beside the project)" >&2; exit 1; }
cargo build --release --locked -q
db=${1:-target/bench-1000000/aryz.sqlite3}
[ -f "$db" ] || { echo "no database at $db: run 'cargo bench --bench budgets' first" >&2; exit 1; }
dir=$(cd "$(dirname "$db")" && pwd)
lines=$(mktemp)
trap 'rm -f "$lines"' EXIT
seq -f "line %07g" 1 1000000 > "$lines"
n=${N:-200}
echo "== less, a 1,000,000-line file"
python3 "$probe" --ready 'line 0000001' --key j --key PageDown -n "$n" --width 120 --height 40 \
  --socket "less$$" -- "exec less $lines"
echo "== aryz, the queue of a supervisor on $db"
python3 "$probe" --ready 'ARZ-' --key j --key PageDown -n "$n" --width 120 --height 40 \
  --socket "aryz$$" -- "ARYZ_OPERATOR=jyldyz ARYZ_DATA_DIR=$dir ARYZ_CONFIG_DIR=$dir exec $(pwd)/target/release/aryz --db $dir/$(basename "$db")"
