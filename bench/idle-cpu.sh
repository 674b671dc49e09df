#!/usr/bin/env bash
# CPU per process of an idle (silent) stereo network stream: SyfalaGraph's Syfala transport next to zita-njbridge,
# in one run, on this machine. See bench/README.md ("idle-cpu.sh") for the method and the figures.
#
#   bench/idle-cpu.sh                          # 20 s windows, 64-frame periods, every case
#   WINDOW=30 PERIOD=256 bench/idle-cpu.sh
#   CASES="syfala-realtime" bench/idle-cpu.sh
#   CLI=/other/tree/engine/SyfalaGraph.Cli/bin/Release/net10.0/syfala-graph.dll bench/idle-cpu.sh
#   KEEP=1 bench/idle-cpu.sh                   # keep the logs and per-thread figures (path printed at the end)
#
# Cases (each one sends 2 channels of silence one way over 127.0.0.1, nothing connected to the inputs):
#   zita             jackd A (dummy) <- zita-j2n --chan 2 --float  ->  zita-n2j --chan 2 -> jackd B (dummy)
#   syfala-jack      jackd A <- jack.client -> syfala.client (F32)  ->  syfala.server -> jack.client -> jackd B
#   syfala-realtime  no JACK: tone (amplitude 0) -> syfala.client, realtime clock  ->  syfala.server, realtime clock
# The two jackd servers are `jackd --no-realtime -d dummy -r 48000 -p PERIOD` (their CPU is printed, not charged to
# the transports: both JACK cases pay it alike). Each case runs WARMUP s, then CPU % per process = 100 × (utime +
# stime) / CLK_TCK / window, from /proc/PID/stat; for the SyfalaGraph processes also the voluntary + involuntary
# context switches per second of each thread (/proc/PID/task/TID/status), i.e. its wake-ups.
# Every process is started here and stopped by PID (also on Ctrl-C); nothing else is touched.
# Needs jackd2 and zita-njbridge (`apt-get install jackd2 zita-njbridge`; a missing tool skips its case) and a
# Release build (dotnet build SyfalaGraph.sln -c Release).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WINDOW=${WINDOW:-20}
WARMUP=${WARMUP:-6}
PERIOD=${PERIOD:-64}
RATE=48000
CASES=${CASES:-"zita syfala-jack syfala-realtime"}
CLI=${CLI:-"$ROOT/engine/SyfalaGraph.Cli/bin/Release/net10.0/syfala-graph.dll"}
# Extra environment of the syfala-graph processes (experiments), e.g. SG_ENV="DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0".
read -r -a SG_ENV <<<"${SG_ENV:-}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/idle-cpu.XXXXXX")
TAG="ic$$"
CLK_TCK=$(getconf CLK_TCK)
declare -a PIDS=() LABELS=()
declare -A PID_OF=()

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

start() { # LABEL [VAR=value ...] -- command...
    local label=$1; shift
    local -a envs=()
    while [[ $1 != -- ]]; do envs+=("$1"); shift; done
    shift
    env "${envs[@]}" "$@" >"$WORK/$CASE-$label.log" 2>&1 &
    PIDS+=("$!"); PID_OF[$label]=$!; LABELS+=("$label")
}

stop_pid() { # PID SECONDS: TERM, wait, then KILL. Only PIDs this script started.
    local pid=$1 secs=${2:-5} i
    kill -TERM "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    for ((i = 0; i < secs * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
}

stop_case() { # clients first, jackd servers last
    local i label
    for ((i = ${#LABELS[@]} - 1; i >= 0; i--)); do
        label=${LABELS[$i]}; [[ $label == jackd* ]] || stop_pid "${PID_OF[$label]}" 10
    done
    for ((i = ${#LABELS[@]} - 1; i >= 0; i--)); do
        label=${LABELS[$i]}; [[ $label == jackd* ]] && stop_pid "${PID_OF[$label]}" 15
    done
    LABELS=(); PID_OF=()
}

cleanup() {
    local p
    stop_case 2>/dev/null || true
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null; done
    if [[ ${KEEP:-0} == 1 ]]; then log "logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

wait_port() { # SERVER PORT SECONDS
    local i
    for ((i = 0; i < $3 * 10; i++)); do
        jack_lsp -s "$1" 2>/dev/null | grep -qx -- "$2" && return 0
        sleep 0.1
    done
    log "port $2 did not appear on server $1 within $3 s"; return 1
}

start_dummy() { # LABEL NAME
    start "$1" -- jackd --no-realtime -n "$2" -d dummy -r "$RATE" -p "$PERIOD"
    wait_port "$2" system:capture_1 10
}

cpu_ticks() { # utime+stime of a pid or "pid/task/tid", in clock ticks
    local stat; stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
    stat=${stat##*) }
    local -a f; read -r -a f <<<"$stat"
    echo $((f[11] + f[12]))
}

switches() { # voluntary + involuntary context switches of /proc/$1/status
    awk '/^(non)?voluntary_ctxt_switches/ { s += $2 } END { print s + 0 }' "/proc/$1/status" 2>/dev/null || echo 0
}

# measure CASE: every live process of the case; one line per process, and for syfala-graph processes their threads.
measure() {
    sleep "$WARMUP"
    local label tid
    declare -A t0=() w0=()
    for label in "${LABELS[@]}"; do
        t0[$label]=$(cpu_ticks "${PID_OF[$label]}")
        if [[ $label == sg* ]]; then
            for tid in $(ls "/proc/${PID_OF[$label]}/task"); do
                w0[$label/$tid]=$(switches "${PID_OF[$label]}/task/$tid")
                t0[$label/$tid]=$(cpu_ticks "${PID_OF[$label]}/task/$tid")
            done
        fi
    done
    local s0 s1 secs
    s0=$(date +%s.%N); sleep "$WINDOW"; s1=$(date +%s.%N)
    secs=$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')
    for label in "${LABELS[@]}"; do
        local ticks=$(( $(cpu_ticks "${PID_OF[$label]}") - ${t0[$label]} ))
        awk -v c="$CASE" -v l="$label" -v t="$ticks" -v hz="$CLK_TCK" -v s="$secs" \
            'BEGIN { printf "%-16s %-10s CPU %5.1f %%\n", c, l, 100 * t / hz / s }'
        [[ $label == sg* ]] || continue
        for tid in $(ls "/proc/${PID_OF[$label]}/task"); do
            [[ -n ${w0[$label/$tid]:-} ]] || continue
            local name w t
            name=$(cat "/proc/${PID_OF[$label]}/task/$tid/comm" 2>/dev/null) || continue
            w=$(( $(switches "${PID_OF[$label]}/task/$tid") - ${w0[$label/$tid]} ))
            t=$(( $(cpu_ticks "${PID_OF[$label]}/task/$tid") - ${t0[$label/$tid]} ))
            (( w > 0 || t > 0 )) || continue
            awk -v n="$name" -v w="$w" -v t="$t" -v hz="$CLK_TCK" -v s="$secs" \
                'BEGIN { printf "%-16s   thread %-18s CPU %5.1f %%  %7.0f wake-ups/s\n", "", n, 100 * t / hz / s, w / s }' >>"$WORK/threads.txt"
        done
    done
}

case_zita() {
    CASE=zita
    start_dummy jackdA "${TAG}A"; start_dummy jackdB "${TAG}B"
    start zitaJ2n -- zita-j2n --jserv "${TAG}A" --jname j2n --chan 2 --float 127.0.0.1 30201
    start zitaN2j -- zita-n2j --jserv "${TAG}B" --jname n2j --chan 1,2 --buff 10 127.0.0.1 30201
    wait_port "${TAG}A" j2n:in_1 10; wait_port "${TAG}B" n2j:out_1 10
    measure; stop_case
}

case_syfala_jack() {
    CASE=syfala-jack
    local port=$((46700 + RANDOM % 90))
    cat >"$WORK/send.yaml" <<EOF
version: 1
settings: { sample_rate: auto, clock: jack }
nodes:
  jack: { type: jack.client, params: { client_name: sg-send, inputs: 2, outputs: 0 } }
  tx: { type: syfala.client, params: { server: 127.0.0.1:$port, outputs: [ { channels: 2, sample_type: f32 } ] } }
links:
  - jack.capture -> tx.in
EOF
    cat >"$WORK/recv.yaml" <<EOF
version: 1
settings: { sample_rate: auto, clock: jack }
nodes:
  jack: { type: jack.client, params: { client_name: sg-recv, inputs: 0, outputs: 2 } }
  rx: { type: syfala.server, params: { bind: 127.0.0.1:$port, outputs: [ { channels: 2, sample_type: f32 } ], latency_frames: 256 } }
links:
  - rx.out -> jack.playback
EOF
    start_dummy jackdA "${TAG}A"; start_dummy jackdB "${TAG}B"
    start sgServer "${SG_ENV[@]}" JACK_DEFAULT_SERVER="${TAG}B" JACK_NO_START_SERVER=1 -- dotnet "$CLI" run "$WORK/recv.yaml"
    start sgClient "${SG_ENV[@]}" JACK_DEFAULT_SERVER="${TAG}A" JACK_NO_START_SERVER=1 -- dotnet "$CLI" run "$WORK/send.yaml"
    wait_port "${TAG}A" sg-send:in_1 30; wait_port "${TAG}B" sg-recv:out_1 30
    measure; stop_case
}

case_syfala_realtime() {
    CASE=syfala-realtime
    local port=$((46800 + RANDOM % 90))
    cat >"$WORK/rt-send.yaml" <<EOF
version: 1
settings: { sample_rate: $RATE, block_frames: $PERIOD, clock: realtime }
nodes:
  silence: { type: tone, params: { amplitude: 0, channels: 2 } }
  tx: { type: syfala.client, params: { server: 127.0.0.1:$port, outputs: [ { channels: 2, sample_type: f32 } ] } }
links:
  - silence.out -> tx.in
EOF
    cat >"$WORK/rt-recv.yaml" <<EOF
version: 1
settings: { sample_rate: $RATE, block_frames: $PERIOD, clock: realtime }
nodes:
  rx: { type: syfala.server, params: { bind: 127.0.0.1:$port, outputs: [ { channels: 2, sample_type: f32 } ], latency_frames: 256 } }
  sink: { type: gain, params: { gain_db: 0 } }
links:
  - rx.out -> sink.in
EOF
    start sgServer "${SG_ENV[@]}" -- dotnet "$CLI" run "$WORK/rt-recv.yaml"
    start sgClient "${SG_ENV[@]}" -- dotnet "$CLI" run "$WORK/rt-send.yaml"
    measure; stop_case
}

[[ -f $CLI ]] || { log "$CLI missing: dotnet build SyfalaGraph.sln -c Release"; exit 1; }
log "window $WINDOW s after $WARMUP s, period $PERIOD frames at $RATE Hz, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for c in $CASES; do
    : >"$WORK/threads.txt"
    case $c in
        zita) command -v zita-j2n >/dev/null || { log "zita-njbridge missing: skipped"; continue; }; case_zita ;;
        syfala-jack) command -v jackd >/dev/null || { log "jackd missing: skipped"; continue; }; case_syfala_jack ;;
        syfala-realtime) case_syfala_realtime ;;
        *) log "unknown case $c"; exit 2 ;;
    esac
    cat "$WORK/threads.txt"
done
