#!/usr/bin/env bash
# The PortAudio driver path's cost per period, on ALSA's null device (no sound card needed).
#
# Runs `syfala-graph run` on a duplex graph — portaudio.device (ALSA, sgnull, 2 in / 2 out, pacing: system) →
# gain → back to the device — for DURATION seconds at each period size in PERIODS, RUNS times each, and prints
# per run: the engine's block time per period (mean and max, µs: the graph's cycle including the driver node's
# copies in and out), the callbacks counted, and the whole process's CPU time per second of audio (user + sys from
# /usr/bin/time, every thread included).
#
#   bench/portaudio-null.sh                                   # the CLI built from this tree (Release)
#   CLI=/other/tree/engine/SyfalaGraph.Cli/bin/Release/net10.0/syfala-graph.dll bench/portaudio-null.sh
#   PERIODS="64 256" RUNS=5 DURATION=10 bench/portaudio-null.sh
#
# Needs dotnet, libportaudio2 and GNU time (/usr/bin/time, package `time`). Stops what it started; deletes its temp dir.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cli=${CLI:-$here/engine/SyfalaGraph.Cli/bin/Release/net10.0/syfala-graph.dll}
periods=${PERIODS:-64 256}
runs=${RUNS:-3}
duration=${DURATION:-10}
[ -f "$cli" ] || { echo "no CLI at $cli: dotnet build $here/SyfalaGraph.sln -c Release" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
dir=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT INT TERM
printf 'pcm.!default { type null }\npcm.sgnull { type null }\n' > "$dir/alsa-null.conf"

printf '%-8s %-4s %12s %12s %10s %14s\n' period run "mean_us" "max_us" callbacks "cpu_ms_per_s"
for fpb in $periods; do
  cat > "$dir/g.yaml" <<EOF
version: 1
settings: { sample_rate: 48000, clock: card }
nodes:
  card:  { type: portaudio.device, params: { host_api: ALSA, device: sgnull, input_channels: 2, output_channels: 2, frames_per_buffer: $fpb, pacing: system } }
  quiet: { type: gain, params: { gain_db: -6 } }
links:
  - card.capture -> quiet.in
  - quiet.out -> card.playback
EOF
  for r in $(seq 1 "$runs"); do
    ALSA_CONFIG_PATH="$dir/alsa-null.conf" JACK_NO_START_SERVER=1 \
      /usr/bin/time -f 'cpu %U %S' -o "$dir/time.txt" dotnet "$cli" run "$dir/g.yaml" --duration "$duration" > "$dir/log.txt" 2>&1 &
    pid=$!
    wait "$pid" || true
    pid=""
    mean=$(grep -oE 'block time mean [0-9.]+' "$dir/log.txt" | awk '{print $4}' | tail -1)
    max=$(grep -oE 'max [0-9.]+ us of a' "$dir/log.txt" | awk '{print $2}' | tail -1)
    callbacks=$(grep -oE 'stopped after [0-9]+ callbacks' "$dir/log.txt" | awk '{print $3}' | tail -1)
    cpu=$(awk -v d="$duration" '/^cpu/ {printf "%.1f", 1000 * ($2 + $3) / d}' "$dir/time.txt")
    if [ -z "$mean" ]; then
      echo "run failed:" >&2; cat "$dir/log.txt" >&2; exit 1
    fi
    printf '%-8s %-4s %12s %12s %10s %14s\n' "$fpb" "$r" "$mean" "$max" "${callbacks:-?}" "$cpu"
  done
done
