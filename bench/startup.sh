#!/usr/bin/env bash
# Start-up of the built syfala-graph and what the JIT still compiles (see bench/README.md, "startup.sh").
#   bench/startup.sh                 # 10 runs of `validate graphs/file-gain.yaml`, then the JIT counts
#   RUNS=20 CLI=/other/tree/engine/SyfalaGraph.Cli/bin/Release/net10.0/syfala-graph bench/startup.sh
# Needs a Release build (dotnet build SyfalaGraph.sln -c Release). Plain bash + coreutils; nothing is left behind.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cli=${CLI:-$root/engine/SyfalaGraph.Cli/bin/Release/net10.0/syfala-graph}
runs=${RUNS:-10}
graph=$root/graphs/file-gain.yaml
[[ -x $cli ]] || { echo "no CLI at $cli: build it first (dotnet build SyfalaGraph.sln -c Release)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Best and median of a column of numbers (seconds), printed in ms.
stats() { sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "best %4.0f ms  median %4.0f ms", v[1] * 1000, m * 1000 }'; }

echo "syfala-graph: $cli"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
"$cli" validate "$graph" > /dev/null # warm the page cache: first runs read the files from disk
TIMEFORMAT='%R %U %S'
for _ in $(seq "$runs"); do
  { time "$cli" validate "$graph" > /dev/null 2>&1; } 2>> "$tmp/times"
done
printf 'validate graphs/file-gain.yaml, %d runs: wall %s;' "$runs" "$(cut -d' ' -f1 "$tmp/times" | stats)"
printf ' cpu (user+sys) %s\n' "$(awk '{ print $2 + $3 }' "$tmp/times" | stats)"

# The runtime's list of JIT-compiled methods (DOTNET_JitDisasmSummary, release runtimes too): one line per method.
jit() { # name, command...
  local name=$1; shift
  (cd "$tmp" && DOTNET_JitDisasmSummary=1 DOTNET_JitStdOutFile="$tmp/$name.jit" "$@" > /dev/null 2>&1) || true
  sed -n 's/^ *[0-9]*: JIT compiled \(.*\) \[.*/\1/p' "$tmp/$name.jit" | sort -u > "$tmp/$name.methods"
}
count() { # name: total, of which declared by SyfalaGraph types, of which by plugin types
  printf '%5d methods JIT-compiled, %3d declared by SyfalaGraph types, %3d by plugin types' "$(wc -l < "$tmp/$1.methods")" \
    "$(grep -c '^SyfalaGraph\.' "$tmp/$1.methods" || true)" "$(grep -c '^SyfalaGraph\.Plugins\.' "$tmp/$1.methods" || true)"
}

cat > "$tmp/tone-meter.yaml" << 'EOF'
version: 1
settings: { sample_rate: 48000, block_frames: 64, clock: realtime }
nodes:
  tone:  { type: tone, params: { frequency_hz: 440, amplitude: 0.5, channels: 2 } }
  gain:  { type: gain, params: { gain_db: -6 } }
  level: { type: meter }
links:
  - tone.out -> gain.in
  - gain.out -> level.in
EOF
jit validate "$cli" validate "$graph"
jit run "$cli" run "$graph"
jit rt1 "$cli" run "$tmp/tone-meter.yaml" --duration 1
jit rt4 "$cli" run "$tmp/tone-meter.yaml" --duration 4
echo "validate file-gain.yaml:          $(count validate)"
echo "run file-gain.yaml (offline):     $(count run)"
echo "run tone→gain→meter, realtime 1 s: $(count rt1)"
comm -13 "$tmp/validate.methods" "$tmp/run.methods" > "$tmp/run-only.methods"
echo "  compiled by run, not by validate: $(wc -l < "$tmp/run-only.methods") (plugin types: $(grep -c '^SyfalaGraph\.Plugins\.' "$tmp/run-only.methods" || true))"
# Late: compiled in a 4 s realtime run but not in a 1 s one, i.e. after the first second of audio.
comm -13 "$tmp/rt1.methods" "$tmp/rt4.methods" > "$tmp/late.methods"
echo "compiled after the first second of a realtime run (4 s run minus 1 s run): $(wc -l < "$tmp/late.methods")"
sed 's/^/  /' "$tmp/late.methods"
if [[ -n ${KEEP_JIT_LISTS:-} ]]; then
  mkdir -p "$KEEP_JIT_LISTS" && cp "$tmp"/*.methods "$KEEP_JIT_LISTS"/ && echo "method lists copied to $KEEP_JIT_LISTS"
fi
