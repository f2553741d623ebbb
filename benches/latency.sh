#!/usr/bin/env bash
# From outside, through tmux, on a database of a million requests (the same run each):
#  1. the first screen: process start to the queue's text on screen, aryz beside `less`
#     (started alternately), with aryz's own breakdown of its start-up phases
#     (ARYZ_STARTUP_TRACE). Budget: 15 ms.
#  2. keystrokes (`j`, PageDown): aryz beside the frame-replay floor, i.e. tmux repainting
#     aryz's own recorded frames with no program work (../shared/tools/frame-replay.py),
#     and beside `less` on a 1,000,000-line file. Budget: aryz <= 1.3 x the floor. The
#     programs take turns: ROUNDS rounds of N/ROUNDS keys each, so that the load of a
#     shared machine falls on all of them alike.
#
#   benches/latency.sh [DB]      (default: the database `cargo bench --bench budgets` made)
#   N=200 STARTS=15 ROUNDS=4     (keys per program, starts per program, rounds)
#   BASE=path/to/older/aryz      also measures an older build the same way (before/after)
#   TOOLS=dir                    where tui-latency.py and frame-replay.py are (../shared/tools)
#   BIN=path/to/aryz             measures that build instead of building target/release/aryz
set -euo pipefail
cd "$(dirname "$0")/.."
tools=${TOOLS:-../shared/tools}
probe=$tools/tui-latency.py
replay=$tools/frame-replay.py
[ -f "$probe" ] && [ -f "$replay" ] || { echo "needs $probe and $replay (the shared tools beside the project)" >&2; exit 1; }
db=${1:-target/bench-1000000/aryz.sqlite3}
[ -f "$db" ] || { echo "no database at $db: run 'cargo bench --bench budgets' first" >&2; exit 1; }
dir=$(cd "$(dirname "$db")" && pwd)
if [ -n "${BIN:-}" ]; then
  bin=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
else
  cargo build --release --locked -q
  bin=$(pwd)/target/release/aryz
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seq -f "line %07g" 1 1000000 > "$work/lines"
n=${N:-200}
starts=${STARTS:-15}
rounds=${ROUNDS:-4}
per=$(( (n + rounds - 1) / rounds ))
cmd_of() { # binary [trace file]
  local trace=${2:+ARYZ_STARTUP_TRACE=$2 }
  echo "ARYZ_OPERATOR=jyldyz ARYZ_DATA_DIR=$dir ARYZ_CONFIG_DIR=$dir ${trace}exec $1 --db $dir/$(basename "$db")"
}
names=(aryz)
declare -A bins=([aryz]=$bin)
if [ -n "${BASE:-}" ]; then
  names+=(base)
  bins[base]=$(cd "$(dirname "$BASE")" && pwd)/$(basename "$BASE")
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. First screen, warm cache: one throw-away start each, then STARTS starts of each
#    program in turn.
start_one() { # name index ready command
  python3 "$probe" --ready "$3" --key j -n 1 --settle 5 --width 120 --height 40 \
    --socket "st$$" --json "$work/start-$1-$2.json" -- "$4" > /dev/null
}
rm -f "$work"/trace-*
for i in $(seq 0 "$starts"); do
  start_one less "$i" 'line 0000001' "exec less $work/lines"
  for name in "${names[@]}"; do
    start_one "$name" "$i" 'ARZ-' "$(cmd_of "${bins[$name]}" "$work/trace-$name")"
  done
done
python3 - "$work" "$starts" "${names[@]}" <<'PY'
import json, os, statistics, sys
work, starts, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def med(name):
    xs = [json.load(open(f"{work}/start-{name}-{i}.json"))["startup_ms"] for i in range(1, starts + 1)]
    return statistics.median(xs), min(xs), max(xs)
lm, _, _ = med("less")
for name in ["less"] + names:
    m, lo, hi = med(name)
    ratio = "" if name == "less" else f"   {m / lm:4.2f} x less"
    print(f"first screen through tmux, {name:<5}: median {m:6.1f} ms (min {lo:.1f}, max {hi:.1f}, {starts} starts){ratio}")
m, _, _ = med("aryz")
print(f"first screen budget 15 ms: {'ok' if m <= 15 else 'OVER'}")
# aryz's own phases, median over the starts (the first, cold-ish start is left out).
for name in names:
    path = f"{work}/trace-{name}"
    if not os.path.exists(path):
        continue
    runs, cur = [], []
    for line in open(path):
        phase, ms = line.rstrip("\n").split("\t")
        if phase == "arguments parsed" and cur:
            runs.append(cur); cur = []
        cur.append((phase, float(ms)))
    runs.append(cur)
    runs = runs[1:] or runs
    print(f"{name} start-up phases (ms since main, median; the step is the phase's own time):")
    prev = 0.0
    for i, (phase, _) in enumerate(runs[0]):
        at = statistics.median(r[i][1] for r in runs if len(r) > i)
        print(f"  {phase:<48} {at:7.2f}  (+{at - prev:5.2f})")
        prev = at
PY

# 2. Keystrokes: record aryz's frames for each key, then probe the replay, aryz (and the
#    older build) and less in turn, ROUNDS times.
for key in j PageDown; do
  python3 "$replay" record --ready 'ARZ-' --key "$key" -n 13 --size 120x40 --settle 0.2 \
    --socket "rec$$" --out "$work/frames-$key" -- "$(cmd_of "$bin")" > /dev/null
  for r in $(seq 1 "$rounds"); do
    python3 "$probe" --ready 'ARZ-' --key "$key" -n "$per" --width 120 --height 40 --socket "rp$$" \
      --json "$work/replay-$key-$r.json" -- "exec python3 $replay play $work/frames-$key" > /dev/null
    for name in "${names[@]}"; do
      python3 "$probe" --ready 'ARZ-' --key "$key" -n "$per" --width 120 --height 40 --socket "ar$$" \
        --json "$work/$name-$key-$r.json" -- "$(cmd_of "${bins[$name]}")" > /dev/null
    done
    python3 "$probe" --ready 'line 0000001' --key "$key" -n "$per" --width 120 --height 40 --socket "ls$$" \
      --json "$work/less-$key-$r.json" -- "exec less $work/lines" > /dev/null
  done
done
python3 - "$work" "$rounds" "${names[@]}" <<'PY'
import json, statistics, sys
work, rounds, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def first(name, key):
    xs = []
    for r in range(1, rounds + 1):
        xs += json.load(open(f"{work}/{name}-{key}-{r}.json"))["series"][0]["raw_first_ms"]
    return statistics.median(xs)
cols = "".join(f" {n:>7}" for n in names)
print(f"{'keystroke (first change, median ms)':<38} {'floor':>7}{cols} {'less':>7} {'aryz/floor':>10}")
for key in ("j", "PageDown"):
    f, l = first("replay", key), first("less", key)
    vals = {n: first(n, key) for n in names}
    a = vals["aryz"]
    row = "".join(f" {vals[n]:7.2f}" for n in names)
    extra = "".join(f"  {n}/floor {vals[n] / f:.2f}x" for n in names if n != "aryz")
    print(f"{key:<38} {f:7.2f}{row} {l:7.2f} {a / f:9.2f}x  {'ok' if a <= 1.3 * f else 'OVER'} (budget 1.3x){extra}")
PY
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
