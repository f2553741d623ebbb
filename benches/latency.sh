#!/usr/bin/env bash
# From outside, through tmux, on a database of a million requests (the same run each):
#  1. the first screen: process start to the queue's text on screen, aryz beside `less`,
#     with aryz's own breakdown of its start-up phases (ARYZ_STARTUP_TRACE);
#  2. keystrokes (`j`, PageDown): aryz beside the frame-replay floor, i.e. tmux repainting
#     aryz's own recorded frames with no program work (../shared/tools/frame-replay.py),
#     and beside `less` on a 1,000,000-line file. Budget: aryz <= 1.3 x the floor.
#
#   benches/latency.sh [DB]      (default: the database `cargo bench --bench budgets` made)
set -euo pipefail
cd "$(dirname "$0")/.."
tools=../shared/tools
probe=$tools/tui-latency.py
replay=$tools/frame-replay.py
[ -f "$probe" ] && [ -f "$replay" ] || { echo "needs $probe and $replay (the shared tools beside the project)" >&2; exit 1; }
cargo build --release --locked -q
db=${1:-target/bench-1000000/aryz.sqlite3}
[ -f "$db" ] || { echo "no database at $db: run 'cargo bench --bench budgets' first" >&2; exit 1; }
dir=$(cd "$(dirname "$db")" && pwd)
bin=$(pwd)/target/release/aryz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seq -f "line %07g" 1 1000000 > "$work/lines"
n=${N:-200}
starts=${STARTS:-15}
aryz_cmd="ARYZ_OPERATOR=jyldyz ARYZ_DATA_DIR=$dir ARYZ_CONFIG_DIR=$dir exec $bin --db $dir/$(basename "$db")"

# 1. First screen, warm cache: one throw-away start, then STARTS starts of each program.
startup() { # name ready command...
  local name=$1 ready=$2; shift 2
  for i in $(seq 0 "$starts"); do
    python3 "$probe" --ready "$ready" --key j -n 1 --settle 5 --width 120 --height 40 \
      --socket "st$$" --json "$work/$name-$i.json" -- "$@" > /dev/null
  done
}
rm -f "$work/trace"
startup less 'line 0000001' "exec less $work/lines"
startup aryz 'ARZ-' "ARYZ_STARTUP_TRACE=$work/trace $aryz_cmd"
python3 - "$work" "$starts" <<'PY'
import json, statistics, sys
work, starts = sys.argv[1], int(sys.argv[2])
def med(name):
    xs = [json.load(open(f"{work}/{name}-{i}.json"))["startup_ms"] for i in range(1, starts + 1)]
    return statistics.median(xs), min(xs), max(xs)
for name in ("less", "aryz"):
    m, lo, hi = med(name)
    print(f"first screen through tmux, {name:<5}: median {m:6.1f} ms (min {lo:.1f}, max {hi:.1f}, {starts} starts)")
m, _, _ = med("aryz")
print(f"first screen budget 15 ms: {'ok' if m <= 15 else 'OVER'}")
# aryz's own phases, median over the starts (the first, cold-ish start is left out).
runs, cur = [], []
for line in open(f"{work}/trace"):
    phase, ms = line.rstrip("\n").split("\t")
    if phase == "arguments parsed" and cur:
        runs.append(cur); cur = []
    cur.append((phase, float(ms)))
runs.append(cur)
runs = runs[1:] or runs
print("aryz start-up phases (ms since main, median; the step is the phase's own time):")
prev = 0.0
for i, (phase, _) in enumerate(runs[0]):
    at = statistics.median(r[i][1] for r in runs if len(r) > i)
    print(f"  {phase:<48} {at:7.2f}  (+{at - prev:5.2f})")
    prev = at
PY

# 2. Keystrokes: record aryz's frames for each key, then probe the replay, aryz and less.
for key in j PageDown; do
  python3 "$replay" record --ready 'ARZ-' --key "$key" -n 13 --size 120x40 --settle 0.2 \
    --socket "rec$$" --out "$work/frames-$key" -- "$aryz_cmd" > /dev/null
  python3 "$probe" --ready 'ARZ-' --key "$key" -n "$n" --width 120 --height 40 --socket "rp$$" \
    --json "$work/replay-$key.json" -- "exec python3 $replay play $work/frames-$key" > /dev/null
  python3 "$probe" --ready 'ARZ-' --key "$key" -n "$n" --width 120 --height 40 --socket "ar$$" \
    --json "$work/aryz-$key.json" -- "$aryz_cmd" > /dev/null
  python3 "$probe" --ready 'line 0000001' --key "$key" -n "$n" --width 120 --height 40 --socket "ls$$" \
    --json "$work/less-$key.json" -- "exec less $work/lines" > /dev/null
done
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
def first(name, key):
    return json.load(open(f"{work}/{name}-{key}.json"))["series"][0]["first_ms"]["median"]
print(f"{'keystroke (first change, median ms)':<38} {'floor':>7} {'aryz':>7} {'less':>7} {'aryz/floor':>10}")
for key in ("j", "PageDown"):
    f, a, l = first("replay", key), first("aryz", key), first("less", key)
    print(f"{key:<38} {f:7.2f} {a:7.2f} {l:7.2f} {a / f:9.2f}x  {'ok' if a <= 1.3 * f else 'OVER'} (budget 1.3x)")
PY
