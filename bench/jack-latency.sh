#!/usr/bin/env bash
# Round-trip latency of network audio transports between two JACK servers on this machine, measured with
# jack_iodelay. See bench/README.md ("jack-latency.sh") for the method and the figures.
#
#   bench/jack-latency.sh                                   # every transport, periods 64 and 256
#   PERIODS=64 TRANSPORTS="syfala syfala-driven zita" bench/jack-latency.sh
#   WINDOW=20 SYFALA_LATENCY_64="146 64:plain" DRIVEN_LATENCY_64="64 128" bench/jack-latency.sh
#   KEEP=1 bench/jack-latency.sh                            # keep the logs (path printed at the end)
#
# Two servers: A = jackd --no-realtime -n <A> -d dummy -r 48000 -p P, B = the same with -n <B> (for NetJack2: B is
# `jackd -S -d net`, a sync-mode slave of a netmanager loaded into A). jack_iodelay runs on A; its output goes to the
# transport's A side, crosses to B, is looped back on B (JACK connection of the B side's receive port to its send
# port) and returns to jack_iodelay's input. syfala-driven has no server B: its far side is a syfala-graph whose
# syfala.server (drive: true) runs a block per block arrived and echoes it. Each case runs WARMUP s, then WINDOW s are measured: every
# "total roundtrip latency" line jack_iodelay prints in the window, the xruns the two jackd logs report in the
# window, and CPU % per process (utime+stime from /proc/<pid>/stat over the window).
# Every process is started here and stopped by PID (also on Ctrl-C); nothing else is touched.
#
# Needs: jackd2 (jackd, jack_iodelay, jack_lsp, jack_connect, jack_load), dotnet, and for the other transports
# `apt-get install jacktrip zita-njbridge` (the script does not install anything; a missing tool skips its rows).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PERIODS=${PERIODS:-"64 256"}
TRANSPORTS=${TRANSPORTS:-"loop syfala syfala-driven jacktrip zita netjack"}
WARMUP=${WARMUP:-5}
# zita-n2j waits 10 s before it re-syncs after a timing error (it meets some while the servers and clients start
# up on a loaded machine), so its cases get a longer warm-up.
WARMUP_ZITA=${WARMUP_ZITA:-15}
WINDOW=${WINDOW:-12}
RATE=48000
# Settings tried per transport and period (lowest first). Syfala: latency_frames (jitter-buffer target, frames;
# "N:plain" = drift_compensation: false, a plain jitter buffer that neither resamples nor follows drift, like JackTrip's;
# syfala-split only: "N:low" = the resampler's low quality, 8 frames less look-ahead; "N:adaptive" = jitter_buffer:
# adaptive, N its ceiling; both combine: "N:low:adaptive");
# JackTrip: -q (queue length, packets); zita-n2j: --buff (ms).
SYFALA_LATENCY_64=${SYFALA_LATENCY_64:-"146 210 256 64:plain 128:plain"}
SYFALA_LATENCY_256=${SYFALA_LATENCY_256:-"594 768 256:plain 512:plain"}
# Network-driven Syfala (syfala-driven): the A side's (client's) latency_frames, plain jitter buffer.
DRIVEN_LATENCY_64=${DRIVEN_LATENCY_64:-"64 128"}
DRIVEN_LATENCY_256=${DRIVEN_LATENCY_256:-"256 512"}
JACKTRIP_QUEUE_64=${JACKTRIP_QUEUE_64:-"2 4 8"}
JACKTRIP_QUEUE_256=${JACKTRIP_QUEUE_256:-"2 4"}
ZITA_BUFF_64=${ZITA_BUFF_64:-"2 5 10"}
ZITA_BUFF_256=${ZITA_BUFF_256:-"5 10"}
# Where the free-running Syfala case loops the audio back on B: "jack" = a JACK self-connection of the B graph's
# client (read one period later, like JackTrip's row), "graph" = inside the B graph (client.out -> client.in, the
# same cycle, like zita-njbridge's and NetJack2's rows; B's graph is still clocked by B's JACK server).
SYFALA_B_LOOP=${SYFALA_B_LOOP:-jack}
CONFIG=${CONFIG:-Release}
CLI_DLL="$ROOT/engine/SyfalaGraph.Cli/bin/$CONFIG/net10.0/syfala-graph.dll"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/jack-latency.XXXXXX")
TAG="jl$$"
RESULTS="$WORK/results.tsv"
: >"$RESULTS"
declare -a PIDS=()        # every process this script started and has not yet stopped
declare -A PID_OF=()      # label -> pid (the current case)
declare -A LOG_OF=()      # label -> log file (the current case)
declare -a LABELS=()      # labels of the current case, in start order
CLK_TCK=$(getconf CLK_TCK)

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# start LABEL [VAR=value ...] -- command...: runs the command in the background, logs to $WORK/<case>-LABEL.log.
start() {
    local label=$1; shift
    local -a envs=()
    while [[ $1 != -- ]]; do envs+=("$1"); shift; done
    shift
    local logf="$WORK/$CASE-$label.log"
    env "${envs[@]}" "$@" >"$logf" 2>&1 &
    local pid=$!
    PIDS+=("$pid"); PID_OF[$label]=$pid; LOG_OF[$label]=$logf; LABELS+=("$label")
}

# stop_pid PID [SIGNAL] [SECONDS]: signal, wait up to SECONDS, then SIGKILL. Only PIDs this script started.
stop_pid() {
    local pid=$1 sig=${2:-TERM} secs=${3:-3}
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill "-$sig" "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < secs * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    wait "$pid" 2>/dev/null || true
}

# stop_case: the syfala-graph processes first, both signalled at once (each deactivates its JACK client before its
# nodes log their statistics, so neither jitter buffer is emptied by the peer's disconnect first), then the other
# clients, jackd servers last.
stop_case() {
    local i label
    for label in "${LABELS[@]}"; do
        [[ $label == sg* ]] && kill -TERM "${PID_OF[$label]}" 2>/dev/null
    done
    for ((i = ${#LABELS[@]} - 1; i >= 0; i--)); do
        label=${LABELS[$i]}
        [[ $label == jackd* ]] && continue
        if [[ $label == sg* ]]; then stop_pid "${PID_OF[$label]}" TERM 10; else stop_pid "${PID_OF[$label]}" TERM 3; fi
    done
    for ((i = ${#LABELS[@]} - 1; i >= 0; i--)); do
        label=${LABELS[$i]}
        # 15 s: a netmanager master waits 5 s for its vanished slave before it exits; a jackd killed instead leaves
        # its entry in JACK's shared-memory registry, and after eight of those no server starts ("Too many servers").
        [[ $label == jackd* ]] && stop_pid "${PID_OF[$label]}" TERM 15
    done
    local -a left=()
    local p
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && left+=("$p"); done
    PIDS=("${left[@]}")
    LABELS=(); PID_OF=(); LOG_OF=()
}

cleanup() {
    local p
    stop_case 2>/dev/null || true
    for p in "${PIDS[@]}"; do stop_pid "$p" KILL 1; done
    if [[ ${KEEP:-0} == 1 ]]; then log "logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# wait_port SERVER PORT SECONDS
wait_port() {
    local server=$1 port=$2 secs=$3 i
    for ((i = 0; i < secs * 10; i++)); do
        if jack_lsp -s "$server" 2>/dev/null | grep -qx -- "$port"; then return 0; fi
        sleep 0.1
    done
    log "port $port did not appear on server $server within $secs s"
    return 1
}

# jconnect SERVER SOURCE DESTINATION: retried for up to 10 s (a client's ports exist before it is activated, and
# jackd refuses to connect the ports of an inactive client).
jconnect() {
    local i
    for ((i = 0; i < 50; i++)); do
        jack_connect -s "$1" "$2" "$3" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    log "jack_connect -s $1 $2 $3 failed for 10 s"
    return 1
}

# start_dummy LABEL NAME PERIOD
start_dummy() {
    start "$1" -- jackd --no-realtime -n "$2" -d dummy -r "$RATE" -p "$3"
    wait_port "$2" system:capture_1 10
}

cpu_ticks() { # utime+stime of a live pid, in clock ticks (0 if gone)
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
    stat=${stat##*) }
    local -a f
    read -r -a f <<<"$stat"
    echo $((f[11] + f[12]))
}

lines_of() { if [[ -f $1 ]]; then wc -l <"$1"; else echo 0; fi; }

# measure TRANSPORT PERIOD SETTING [WARMUP]: the case's processes are running and connected. Appends one TSV row.
measure() {
    local transport=$1 period=$2 setting=$3 warmup=${4:-$WARMUP}
    sleep "$warmup"
    local label
    declare -A t0=() l0=()
    for label in "${LABELS[@]}"; do
        t0[$label]=$(cpu_ticks "${PID_OF[$label]}")
        l0[$label]=$(lines_of "${LOG_OF[$label]}")
    done
    local s0 s1
    s0=$(date +%s.%N)
    sleep "$WINDOW"
    s1=$(date +%s.%N)
    local secs cpu="" ticks
    secs=$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')
    for label in "${LABELS[@]}"; do
        [[ $label == iodelay ]] && continue
        ticks=$(( $(cpu_ticks "${PID_OF[$label]}") - ${t0[$label]} ))
        cpu+=$(awk -v l="$label" -v t="$ticks" -v hz="$CLK_TCK" -v s="$secs" 'BEGIN { printf "%s %.1f, ", l, 100 * t / hz / s }')
    done
    cpu=${cpu%, }
    # SyfalaGraph nodes log "<n> jitter-buffer underflow(s) in the last ..." at most once a second: those in the window.
    local uw="" n
    for label in "${LABELS[@]}"; do
        [[ $label == sg* ]] || continue
        n=$(tail -n "+$((${l0[$label]} + 1))" "${LOG_OF[$label]}" | grep -ao '[0-9]* jitter-buffer underflow' |
            awk '{ s += $1 } END { print s + 0 }')
        uw+="$label $n, "
    done
    [[ -n $uw ]] && uw="underflows in window: ${uw%, }; "
    local io=${LOG_OF[iodelay]}
    # jack_iodelay prints "<frames> frames <ms> ms total roundtrip latency" when locked, "Signal below threshold..."
    # when not. Lines printed in the window only.
    local lat
    lat=$(tail -n "+$((${l0[iodelay]} + 1))" "$io" | awk -v rate="$RATE" '
        /total roundtrip latency/ { v[n++] = $1 + 0 }
        /Signal below threshold/ { lost++ }
        END {
            if (n == 0) { printf "no lock\t-\t0/%d\n", lost + 0; exit }
            for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
            med = v[int(n / 2)]
            printf "%.0f (%.0f-%.0f)\t%.2f\t%d/%d\n", med, v[0], v[n - 1], 1000 * med / rate, n, n + lost
        }')
    local xa=- xb=-
    for label in "${LABELS[@]}"; do
        [[ $label == jackd* ]] || continue
        local x
        # jackd2 logs "JackTimedDriver::Process XRun" when its (dummy) driver cycle is late and
        # "JackEngine::XRun: client = X was not finished" for each client that had not finished its cycle.
        x=$(tail -n "+$((${l0[$label]} + 1))" "${LOG_OF[$label]}" |
            awk '/Driver::Process XRun/ { d++ } /XRun: client = / { c++ } END { printf "%d+%d", d, c }')
        if [[ $label == jackdA ]]; then xa=$x; else xb=$x; fi
    done
    printf '%s\t%s\t%s\t%s\t%s / %s\t%s\t%s\n' "$transport" "$period" "$setting" "$lat" "$xa" "$xb" "$uw@TOOL@" "$cpu" >>"$RESULTS"
}

# set_tool_events TEXT: fills the last row's tool column (known only after the tools stopped).
set_tool_events() {
    local text=${1//\//\\/}
    sed -i "\$s/@TOOL@/$text/" "$RESULTS"
}

# A case's common part: servers A and B (dummy), jack_iodelay on A.
begin_case() { # CASE PERIOD
    CASE=$1
    local period=$2
    SA="${TAG}A$period"; SB="${TAG}B$period"
    start_dummy jackdA "$SA" "$period"
    start_dummy jackdB "$SB" "$period"
    start iodelay JACK_DEFAULT_SERVER="$SA" JACK_NO_START_SERVER=1 -- stdbuf -oL jack_iodelay
    wait_port "$SA" jack_delay:out 10
}

# last_number FILE PATTERN: the number in the last match of PATTERN in FILE, or "?".
last_number() {
    local m
    m=$(grep -o "$2" "$1" | tail -n 1) || true
    if [[ $m =~ ([0-9]+) ]]; then echo "${BASH_REMATCH[1]}"; else echo "?"; fi
}

# node_stat FILE NODE FIELD: FIELD of the last statistics NODE (a Syfala node's id) logged in FILE, or "?".
node_stat() {
    local m
    m=$(grep -a " $2: SyfalaStatistics" "$1" | tail -n 1 | grep -o "$3 = [0-9]*") || true
    if [[ $m =~ ([0-9]+) ]]; then echo "${BASH_REMATCH[1]}"; else echo "?"; fi
}

# ---- the cases -------------------------------------------------------------------------------------------------

case_loop() { # jack_iodelay's output straight to its input on A: the floor of the method (JACK's own loop).
    local period=$1
    begin_case "loop-$period" "$period"
    jconnect "$SA" jack_delay:out jack_delay:in
    measure "JACK loop (A only)" "$period" "-"
    stop_case
    set_tool_events "-"
}

syfala_graph() { # FILE ROLE LATENCY PORT [PERIOD]: a generated graph, one channel each way, F32
    local file=$1 role=$2 latency=$3 port=$4 period=${5:-64}
    local drift=true loop=$SYFALA_B_LOOP
    [[ $latency == *:plain ]] && drift=false
    # A of the network-driven mode is a client with a plain jitter buffer (the far side follows this clock), looped
    # by the bench through JACK.
    [[ $role == driven-client ]] && { role=client; drift=false; loop=jack; }
    if [[ $role == driven-echo ]]; then
        # B of the network-driven mode: a graph with no JACK client whose clock domain is driven by the arriving
        # stream (drive: true runs a block each time a block has arrived) and that sends it straight back.
        cat >"$file" <<EOF
version: 1
settings: { sample_rate: $RATE, block_frames: $period, clock: echo }
nodes:
  echo:
    type: syfala.server
    params:
      bind: 127.0.0.1:$port
      inputs:  [ { channels: 1, sample_type: f32 } ]
      outputs: [ { channels: 1, sample_type: f32 } ]
      drive: true
links:
  - echo.out -> echo.in
EOF
    elif [[ $role == server ]]; then
        cat >"$file" <<EOF
version: 1
settings: { sample_rate: auto, clock: jack }
nodes:
  jack: { type: jack.client, params: { client_name: sg-server, inputs: 1, outputs: 1 } }
  server:
    type: syfala.server
    params:
      bind: 127.0.0.1:$port
      inputs:  [ { channels: 1, sample_type: f32 } ]
      outputs: [ { channels: 1, sample_type: f32 } ]
      latency_frames: ${latency%%:*}
      drift_compensation: $drift
links:
  - jack.capture -> server.in
  - server.out -> jack.playback
EOF
    else
        cat >"$file" <<EOF
version: 1
settings: { sample_rate: auto, clock: jack }
nodes:
  jack: { type: jack.client, params: { client_name: sg-client, inputs: 1, outputs: 1 } }
  client:
    type: syfala.client
    params:
      server: 127.0.0.1:$port
      inputs:  [ { channels: 1 } ]
      outputs: [ { channels: 1 } ]
      latency_frames: ${latency%%:*}
      drift_compensation: $drift
links:
EOF
        if [[ $loop == graph ]]; then
            printf '  - client.out -> client.in\n  - jack.capture -> jack.playback\n' >>"$file"
        else
            printf '  - jack.capture -> client.in\n  - client.out -> jack.playback\n' >>"$file"
        fi
    fi
}

case_syfala() {
    local period=$1 latency=$2
    local port=$((46900 + (RANDOM % 90)))
    begin_case "syfala-$period-$latency" "$period"
    syfala_graph "$WORK/$CASE-server.yaml" server "$latency" "$port"
    syfala_graph "$WORK/$CASE-client.yaml" client "$latency" "$port"
    start sgServer JACK_DEFAULT_SERVER="$SA" JACK_NO_START_SERVER=1 -- dotnet "$CLI_DLL" run "$WORK/$CASE-server.yaml"
    start sgClient JACK_DEFAULT_SERVER="$SB" JACK_NO_START_SERVER=1 -- dotnet "$CLI_DLL" run "$WORK/$CASE-client.yaml"
    wait_port "$SA" sg-server:in_1 30
    wait_port "$SB" sg-client:in_1 30
    jconnect "$SA" jack_delay:out sg-server:in_1
    jconnect "$SA" sg-server:out_1 jack_delay:in
    [[ $SYFALA_B_LOOP == graph ]] || jconnect "$SB" sg-client:out_1 sg-client:in_1
    local setting="latency_frames ${latency%%:*}"
    [[ $latency == *:plain ]] && setting+=", drift_compensation false"
    setting+=", B loop $SYFALA_B_LOOP"
    measure "SyfalaGraph Syfala (free-running)" "$period" "$setting"
    local slog=${LOG_OF[sgServer]} clog=${LOG_OF[sgClient]}
    stop_case
    # The nodes log their statistics when they stop (whole run, warm-up included).
    set_tool_events "underflows srv $(node_stat "$slog" server Underflows) cli $(node_stat "$clog" client Underflows) (run); fill at stop srv $(node_stat "$slog" server JitterBufferFillFrames) cli $(node_stat "$clog" client JitterBufferFillFrames)"
}

# One-way Syfala graph for the split case (zita-njbridge's topology: a sending and a receiving JACK client on A, so
# A's JACK graph has no feedback loop through one client). FILE KIND LATENCY PORT [PORT2]:
#   a-send: jack.client (capture only) -> syfala.client sending to B's rx server at PORT
#   a-recv: syfala.client receiving from B's tx server at PORT -> jack.client (playback only)
#   b-loop: B's graph, clocked by a jack.client with an unused input: rx server (PORT) -> tx server (PORT2), the same cycle
# (Syfala names streams from the server's side: a server sends its inputs and receives its outputs.)
syfala_split_graph() {
    local file=$1 kind=$2 latency=$3 port=$4 port2=${5:-}
    local drift=true quality=medium buffer=fixed
    [[ $latency == *:plain* ]] && drift=false
    [[ $latency == *:low* ]] && quality=low
    [[ $latency == *:adaptive* ]] && buffer=adaptive
    local jb="latency_frames: ${latency%%:*}, drift_compensation: $drift, quality: $quality, jitter_buffer: $buffer"
    local name ins outs nodes links
    case $kind in
        a-send)
            name=sg-send ins=1 outs=0 links="jack.capture -> tx.in"
            nodes="  tx: { type: syfala.client, params: { server: 127.0.0.1:$port, outputs: [ { channels: 1 } ] } }" ;;
        a-recv)
            name=sg-recv ins=0 outs=1 links="rx.out -> jack.playback"
            nodes="  rx: { type: syfala.client, params: { server: 127.0.0.1:$port, inputs: [ { channels: 1 } ], $jb } }" ;;
        b-loop)
            name=sg-loop ins=1 outs=0 links="rx.out -> tx.in"
            nodes="  rx: { type: syfala.server, params: { bind: 127.0.0.1:$port, outputs: [ { channels: 1, sample_type: f32 } ], $jb } }"
            nodes+=$'\n'"  tx: { type: syfala.server, params: { bind: 127.0.0.1:$port2, inputs: [ { channels: 1, sample_type: f32 } ] } }" ;;
    esac
    printf 'version: 1\nsettings: { sample_rate: auto, clock: jack }\nnodes:\n  jack: { type: jack.client, params: { client_name: %s, inputs: %s, outputs: %s } }\n%s\nlinks:\n  - %s\n' \
        "$name" "$ins" "$outs" "$nodes" "$links" >"$file"
}

# Free-running, split: A sends with one graph and receives with another (two JACK clients, as zita-j2n / zita-n2j),
# B loops inside one graph. Each direction has one jitter buffer (B's rx, A's rx), as in the other cases.
case_syfala_split() {
    local period=$1 latency=$2
    local port=$((46800 + 2 * (RANDOM % 45)))
    begin_case "syfala-split-$period-$latency" "$period"
    syfala_split_graph "$WORK/$CASE-b.yaml" b-loop "$latency" "$port" "$((port + 1))"
    syfala_split_graph "$WORK/$CASE-send.yaml" a-send "$latency" "$port"
    syfala_split_graph "$WORK/$CASE-recv.yaml" a-recv "$latency" "$((port + 1))"
    start sgLoopB JACK_DEFAULT_SERVER="$SB" JACK_NO_START_SERVER=1 -- dotnet "$CLI_DLL" run "$WORK/$CASE-b.yaml"
    start sgSendA JACK_DEFAULT_SERVER="$SA" JACK_NO_START_SERVER=1 -- dotnet "$CLI_DLL" run "$WORK/$CASE-send.yaml"
    start sgRecvA JACK_DEFAULT_SERVER="$SA" JACK_NO_START_SERVER=1 -- dotnet "$CLI_DLL" run "$WORK/$CASE-recv.yaml"
    wait_port "$SA" sg-send:in_1 30
    wait_port "$SA" sg-recv:out_1 30
    jconnect "$SA" jack_delay:out sg-send:in_1
    jconnect "$SA" sg-recv:out_1 jack_delay:in
    local setting="latency_frames ${latency%%:*}"
    [[ $latency == *:plain ]] && setting+=", drift_compensation false"
    [[ $latency == *:low* ]] && setting+=", quality low"
    [[ $latency == *:adaptive* ]] && setting+=", jitter_buffer adaptive (latency_frames its ceiling)"
    setting+=", A: send and receive graphs"
    measure "SyfalaGraph Syfala (free-running, split)" "$period" "$setting"
    local blog=${LOG_OF[sgLoopB]} rlog=${LOG_OF[sgRecvA]}
    stop_case
    set_tool_events "underflows B $(node_stat "$blog" rx Underflows) A $(node_stat "$rlog" rx Underflows) (run)"
}

# Network-driven: A = jack.client + syfala.client on server A; B = a syfala.server with drive: true whose graph runs
# one block per block arrived and echoes it (no JACK server B: a JACK server cannot be clocked by a SyfalaGraph
# node, and a JACK client on B would make B free-running again). The analogue of NetJack2's sync-mode slave with
# capture -> playback looped.
case_syfala_driven() {
    local period=$1 latency=$2
    local port=$((46900 + (RANDOM % 90)))
    CASE="syfala-driven-$period-$latency"
    SA="${TAG}A$period"
    start_dummy jackdA "$SA" "$period"
    start iodelay JACK_DEFAULT_SERVER="$SA" JACK_NO_START_SERVER=1 -- stdbuf -oL jack_iodelay
    wait_port "$SA" jack_delay:out 10
    syfala_graph "$WORK/$CASE-echo.yaml" driven-echo "$latency" "$port" "$period"
    syfala_graph "$WORK/$CASE-client.yaml" driven-client "$latency" "$port"
    start sgEcho -- dotnet "$CLI_DLL" run "$WORK/$CASE-echo.yaml"
    start sgClient JACK_DEFAULT_SERVER="$SA" JACK_NO_START_SERVER=1 -- dotnet "$CLI_DLL" run "$WORK/$CASE-client.yaml"
    wait_port "$SA" sg-client:in_1 30
    jconnect "$SA" jack_delay:out sg-client:in_1
    jconnect "$SA" sg-client:out_1 jack_delay:in
    measure "SyfalaGraph Syfala (network-driven)" "$period" "client latency_frames $latency"
    local elog=${LOG_OF[sgEcho]} clog=${LOG_OF[sgClient]}
    stop_case
    set_tool_events "underflows echo $(node_stat "$elog" echo Underflows) cli $(node_stat "$clog" client Underflows) (run); echo drove $(last_number "$elog" 'drove [0-9]* blocks') blocks from arriving audio"
}

case_jacktrip() {
    local period=$1 queue=$2
    begin_case "jacktrip-$period-$queue" "$period"
    # P2P on one host: the server binds 4464; the client binds 4470 and sends to 4464.
    start jacktripA JACK_DEFAULT_SERVER="$SA" -- jacktrip -s -n 1 -q "$queue" -D -J jtA -B 4464 -I 1
    start jacktripB JACK_DEFAULT_SERVER="$SB" -- jacktrip -c 127.0.0.1 -n 1 -q "$queue" -D -J jtB -B 4470 -P 4464 -I 1
    wait_port "$SA" jtA:send_1 20
    wait_port "$SB" jtB:send_1 20
    jconnect "$SA" jack_delay:out jtA:send_1
    jconnect "$SA" jtA:receive_1 jack_delay:in
    jconnect "$SB" jtB:receive_1 jtB:send_1
    measure "JackTrip 1.7" "$period" "-q $queue"
    local la=${LOG_OF[jacktripA]} lb=${LOG_OF[jacktripB]}
    stop_case
    local wa wb
    wa=$(grep -c 'waiting too long' "$la" || true)
    wb=$(grep -c 'waiting too long' "$lb" || true)
    set_tool_events "'UDP waiting too long' A $wa B $wb (run)"
}

case_zita() {
    local period=$1 buff=$2
    begin_case "zita-$period-$buff" "$period"
    start zitaJ2nA -- zita-j2n --jserv "$SA" --jname j2nA --chan 1 --float 127.0.0.1 30101
    start zitaN2jB -- stdbuf -oL zita-n2j --jserv "$SB" --jname n2jB --chan 1 --buff "$buff" --info 127.0.0.1 30101
    start zitaJ2nB -- zita-j2n --jserv "$SB" --jname j2nB --chan 1 --float 127.0.0.1 30102
    start zitaN2jA -- stdbuf -oL zita-n2j --jserv "$SA" --jname n2jA --chan 1 --buff "$buff" --info 127.0.0.1 30102
    wait_port "$SA" j2nA:in_1 10
    wait_port "$SA" n2jA:out_1 10
    wait_port "$SB" n2jB:out_1 10
    wait_port "$SB" j2nB:in_1 10
    jconnect "$SA" jack_delay:out j2nA:in_1
    jconnect "$SA" n2jA:out_1 jack_delay:in
    jconnect "$SB" n2jB:out_1 j2nB:in_1
    measure "zita-njbridge" "$period" "--buff $buff ms" "$WARMUP_ZITA"
    local la=${LOG_OF[zitaN2jA]} lb=${LOG_OF[zitaN2jB]}
    stop_case
    local ra rb
    ra=$(grep -c 'Waiting for' "$la" || true)
    rb=$(grep -c 'Waiting for' "$lb" || true)
    set_tool_events "n2j resyncs A $ra B $rb (run)"
}

case_netjack() {
    local period=$1
    CASE="netjack-$period"
    SA="${TAG}A$period"; SB="${TAG}N$period"
    start_dummy jackdA "$SA" "$period"
    start iodelay JACK_DEFAULT_SERVER="$SA" JACK_NO_START_SERVER=1 -- stdbuf -oL jack_iodelay
    wait_port "$SA" jack_delay:out 10
    # Unicast on 127.0.0.1: multicast does not reach the master in this container.
    jack_load -s "$SA" netmanager -i "-a 127.0.0.1 -p 19100" >"$WORK/$CASE-jack_load.log" 2>&1
    # -S: synchronous server mode, which the net driver passes on as the slave's sync mode; -l 0: no extra
    # network latency cycles. The slave's period and rate come from the master.
    start jackdB -- jackd -S --no-realtime -n "$SB" -d net -a 127.0.0.1 -p 19100 -C 1 -P 1 -l 0 -n njslave
    wait_port "$SA" njslave:to_slave_1 20
    wait_port "$SB" system:capture_1 20
    jconnect "$SA" jack_delay:out njslave:to_slave_1
    jconnect "$SA" njslave:from_slave_1 jack_delay:in
    jconnect "$SB" system:capture_1 system:playback_1
    measure "NetJack2 (sync, -l 0)" "$period" "-"
    local lb=${LOG_OF[jackdB]}
    stop_case
    set_tool_events "-"
}

# A case whose set-up failed still leaves its row (usually "no lock"); its processes are stopped.
failed() { log "case $CASE: a step failed (see the logs with KEEP=1)"; stop_case; }

# ---- main ------------------------------------------------------------------------------------------------------

for tool in jackd jack_iodelay jack_lsp jack_connect; do
    command -v "$tool" >/dev/null || { log "missing $tool (apt-get install jackd2)"; exit 1; }
done
if [[ " $TRANSPORTS " == *" syfala"* && ! -f $CLI_DLL ]]; then
    log "building the CLI ($CONFIG)"
    dotnet build "$ROOT/engine/SyfalaGraph.Cli" -c "$CONFIG" >"$WORK/build.log" 2>&1 || { tail -n 20 "$WORK/build.log"; exit 1; }
fi

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "load average before: $LOAD_BEFORE; logs in $WORK"
for period in $PERIODS; do
    for transport in $TRANSPORTS; do
        case $transport in
            loop) log "JACK loop, period $period"; case_loop "$period" || failed ;;
            syfala)
                var="SYFALA_LATENCY_$period"
                for l in ${!var:-256}; do log "syfala, period $period, latency_frames $l"; case_syfala "$period" "$l" || failed; done ;;
            syfala-split)
                var="SYFALA_LATENCY_$period"
                for l in ${!var:-256}; do log "syfala split, period $period, latency_frames $l"; case_syfala_split "$period" "$l" || failed; done ;;
            syfala-driven)
                var="DRIVEN_LATENCY_$period"
                for l in ${!var:-256}; do log "syfala network-driven, period $period, client latency_frames $l"; case_syfala_driven "$period" "$l" || failed; done ;;
            jacktrip)
                command -v jacktrip >/dev/null || { log "jacktrip missing (apt-get install jacktrip): skipped"; continue; }
                var="JACKTRIP_QUEUE_$period"
                for q in ${!var:-4}; do log "jacktrip, period $period, -q $q"; case_jacktrip "$period" "$q" || failed; done ;;
            zita)
                command -v zita-j2n >/dev/null || { log "zita-njbridge missing (apt-get install zita-njbridge): skipped"; continue; }
                var="ZITA_BUFF_$period"
                for b in ${!var:-5}; do log "zita, period $period, --buff $b"; case_zita "$period" "$b" || failed; done ;;
            netjack) log "netjack2, period $period"; case_netjack "$period" || failed ;;
            *) log "unknown transport $transport"; exit 2 ;;
        esac
    done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

printf '\n%s, %s Hz, warm-up %s s, window %s s; load average before %s, after %s; %s cores\n\n' \
    "$(date -u '+%Y-%m-%d %H:%M UTC')" "$RATE" "$WARMUP" "$WINDOW" "$LOAD_BEFORE" "$LOAD_AFTER" "$(nproc)"
printf '| transport | period | setting | round trip, frames: median (min-max) | ms (median) | locked readings | xruns A / B (window): driver late + clients late | tool events | CPU %% per process (window) |\n'
printf '|---|---:|---|---|---:|---:|---:|---|---|\n'
awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' "$RESULTS"
