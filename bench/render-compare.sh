#!/usr/bin/env bash
# Offline render comparison: a 10-minute 48 kHz stereo 16-bit WAV through a -6 dB gain into a 16-bit WAV,
# with SyfalaGraph (CLI, block_frames 1024), sox and GStreamer. Each tool runs RUNS times (default 3); the
# table shows the best and median wall time and the real-time factor (audio seconds / median wall seconds).
#
# Usage: bench/render-compare.sh            (from anywhere; builds Release first)
#        RUNS=5 SECONDS_AUDIO=600 bench/render-compare.sh
# Needs: dotnet, sox, gst-launch-1.0 (gstreamer1.0-tools, gstreamer1.0-plugins-good).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${RUNS:-3}"
AUDIO_SECONDS="${SECONDS_AUDIO:-600}"
CLI_DLL="$ROOT/engine/SyfalaGraph.Cli/bin/Release/net10.0/syfala-graph.dll"

for tool in dotnet sox soxi gst-launch-1.0; do
    command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done

TMP="$(mktemp -d "${TMPDIR:-/tmp}/render-compare.XXXXXX")"
CHILD=""

cleanup() {
    # Stop the process this script started (if a run is under way), then remove the temp dir.
    if [[ -n "$CHILD" ]] && kill -0 "$CHILD" 2>/dev/null; then
        kill "$CHILD" 2>/dev/null || true
        wait "$CHILD" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== building Release" >&2
# Other builds may run in parallel: retry a few times on (file-lock) failures.
for attempt in 1 2 3; do
    if dotnet build -c Release "$ROOT/engine/SyfalaGraph.Cli" -nologo -v quiet >"$TMP/build.log" 2>&1; then
        break
    fi
    if [[ $attempt == 3 ]]; then
        cat "$TMP/build.log" >&2
        exit 1
    fi
    echo "build failed (attempt $attempt), retrying" >&2
    sleep 5
done
[[ -f "$CLI_DLL" ]] || { echo "not found after build: $CLI_DLL" >&2; exit 1; }

echo "== generating ${AUDIO_SECONDS} s 48 kHz stereo 16-bit input" >&2
sox -n -r 48000 -c 2 -b 16 "$TMP/in.wav" synth "$AUDIO_SECONDS" sine 440 sine 660 gain -3

cat >"$TMP/graph.yaml" <<EOF
version: 1
settings:
  sample_rate: 48000
  block_frames: 1024
  clock: offline
nodes:
  src:  { type: file.reader, params: { path: $TMP/in.wav } }
  gain: { type: gain, params: { gain_db: -6 } }
  out:  { type: file.writer, params: { path: $TMP/out.wav, subtype: pcm_16 } }
links:
  - src.out -> gain.in
  - gain.out -> out.in
EOF

# run_timed <label> <cmd...>: runs the command RUNS times, checks the output, appends "label best median" to
# results. Not called through $(...): the child pid must stay visible to the EXIT trap of this shell.
results=()
run_timed() {
    local label="$1"
    shift
    local times=() i start end rc
    for ((i = 1; i <= RUNS; i++)); do
        rm -f "$TMP/out.wav"
        sync
        start=$EPOCHREALTIME
        "$@" >"$TMP/run.log" 2>&1 &
        CHILD=$!
        rc=0
        wait "$CHILD" || rc=$?
        end=$EPOCHREALTIME
        CHILD=""
        if [[ $rc != 0 ]]; then
            echo "$label failed (exit $rc):" >&2
            cat "$TMP/run.log" >&2
            exit 1
        fi
        local dur
        dur="$(soxi -D "$TMP/out.wav")"
        if ! awk -v d="$dur" -v want="$AUDIO_SECONDS" 'BEGIN { exit !(d > want - 0.1 && d < want + 0.1) }'; then
            echo "$label wrote $dur s of audio, expected $AUDIO_SECONDS s" >&2
            exit 1
        fi
        times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')")
        echo "   $label run $i: ${times[-1]} s" >&2
    done
    local sorted
    sorted="$(printf '%s\n' "${times[@]}" | sort -g)"
    local best median
    best="$(head -n1 <<<"$sorted")"
    median="$(sed -n "$(((RUNS + 1) / 2))p" <<<"$sorted")"
    results+=("$label $best $median")
}

echo "== timing ($RUNS runs each)" >&2
run_timed syfalagraph dotnet "$CLI_DLL" run "$TMP/graph.yaml"
run_timed sox sox "$TMP/in.wav" "$TMP/out.wav" vol 0.5
run_timed gstreamer gst-launch-1.0 -q filesrc location="$TMP/in.wav" ! wavparse ! audioconvert \
    ! volume volume=0.5 ! audioconvert ! wavenc ! filesink location="$TMP/out.wav"

echo
printf '%-12s %10s %12s %14s\n' tool "best (s)" "median (s)" "RTF (median)"
printf '%-12s %10s %12s %14s\n' ------------ ---------- ------------ --------------
for r in "${results[@]}"; do
    read -r label best median <<<"$r"
    printf '%-12s %10s %12s %14s\n' "$label" "$best" "$median" \
        "$(awk -v s="$AUDIO_SECONDS" -v t="$median" 'BEGIN { printf "%.0fx", s / t }')"
done
echo "(input: ${AUDIO_SECONDS} s, 48 kHz, 2 ch, pcm_16; output pcm_16 at -6 dB; RTF = ${AUDIO_SECONDS} / median wall seconds)"
