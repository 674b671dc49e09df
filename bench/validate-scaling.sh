#!/usr/bin/env bash
# How validating a graph scales with its size (issue 15, item 6), in process and as a whole `syfala-graph validate`.
#
# 1. `validate-scaling` (bench/SyfalaGraph.Benchmarks, Engine/ValidateScaling.cs) generates, for each N in SIZES, a
#    `chain` (stereo tone -> N gains: N + 1 nodes, N links), the same chain written backwards (`reversed`) and `nolink`
#    (N tones), times the YAML tree, the parse and GraphValidator.Validate in process (Stopwatch, best of 3 below
#    50k nodes) and checks the result (node, link, step and domain counts). It also writes the graphs to a temp dir.
# 2. Each written graph is validated by the CLI (`dotnet syfala-graph.dll validate`, tiered compilation off as
#    shipped): wall time and peak RSS of the whole process (start-up, plugin loading and the printed summary
#    included), with a time-out of TIMEOUT seconds per graph.
#
#   bench/validate-scaling.sh                                     # this tree's Release build, SIZES 1k..270k
#   SIZES=1000,10000,20000 KINDS=chain TIMEOUT=120 bench/validate-scaling.sh
#   CLI=/old/tree/.../syfala-graph.dll BENCH=/old/tree/.../SyfalaGraph.Benchmarks.dll bench/validate-scaling.sh
#
# Needs dotnet and GNU time (/usr/bin/time, package `time`). Builds nothing: run `dotnet build -c Release` on
# engine/SyfalaGraph.Cli and bench/SyfalaGraph.Benchmarks first. Stops what it started; deletes its temp dir.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cli=${CLI:-$here/engine/SyfalaGraph.Cli/bin/Release/net10.0/syfala-graph.dll}
bench=${BENCH:-$here/bench/SyfalaGraph.Benchmarks/bin/Release/net10.0/SyfalaGraph.Benchmarks.dll}
sizes=${SIZES:-1000,10000,20000,40000,270000}
kinds=${KINDS:-chain,nolink,reversed}
timeout_s=${TIMEOUT:-600}
for f in "$cli" "$bench"; do
  [ -f "$f" ] || { echo "no build at $f: dotnet build -c Release engine/SyfalaGraph.Cli bench/SyfalaGraph.Benchmarks" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
dir=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT INT TERM

echo "## in process ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
dotnet "$bench" validate-scaling --sizes "$sizes" --kinds "$kinds" --write "$dir/graphs" &
pid=$!
wait "$pid"
pid=""

echo
echo "## whole process: dotnet syfala-graph.dll validate (time-out ${timeout_s} s)"
echo "| graph | N | MB | wall (s) | peak RSS (MB) | exit |"
echo "|---|---:|---:|---:|---:|---:|"
IFS=, read -ra ns <<< "$sizes"
IFS=, read -ra ks <<< "$kinds"
for n in "${ns[@]}"; do
  for k in "${ks[@]}"; do
    g="$dir/graphs/$k-$n.yaml"
    mb=$(awk -v b="$(stat -c %s "$g")" 'BEGIN { printf "%.1f", b / 1e6 }')
    set +e
    /usr/bin/time -f '%e %M' -o "$dir/time" timeout "$timeout_s" dotnet "$cli" validate "$g" > "$dir/out" 2>&1 &
    pid=$!
    wait "$pid"
    rc=$?
    pid=""
    set -e
    read -r wall rss < <(tail -1 "$dir/time")
    [ "$rc" = 124 ] && wall=">$timeout_s"
    echo "| $k | $n | $mb | $wall | $(awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }') | $rc |"
    [ "$rc" = 0 ] || [ "$rc" = 124 ] || head -5 "$dir/out" >&2
  done
done
