#!/usr/bin/env bash
# Cold start of a Sharder cluster under Discord's identify rule, with production timing.
#
# Discord lets one Identify through per rate-limit key (shard_id % max_concurrency) every 5 s. N shards
# therefore need ceil(N/M) buckets, and the last bucket cannot identify before (ceil(N/M)-1) windows
# after the first. Sharder's coordinator spaces identifies on one key by Coordinator:IdentifyWindow
# (default 5.3 s: Discord's 5 s, the 150 ms slot grace and 150 ms for the network and clock estimates). This script measures how close a real cluster gets to that floor,
# and whether it ever breaks the rule, with real processes:
#
#   - a private redis-server (no persistence) on a free port;
#   - the bundled gateway simulator with max_concurrency M and its default identify window (5000 ms,
#     --identify-window-ms), which answers an early Identify with op 9 and counts it in its ledger;
#   - S silos (Sharder.Silo) launched together, every Coordinator/Supervisor/Gateway setting at its default.
#
# It prints, in ms from launching the silos: each silo's first /readyz OK, the READY count as it grows
# (simulator control API, polled every 100 ms), every shard's Identify and READY (simulator transcripts),
# the identify-concurrency violations in the simulator's ledger, and the two reference figures
# ceil(N/M) x 5 s and first Identify + (ceil(N/M)-1) x the coordinator's window, and how late each
# Identify reached the simulator after its slot (the silo logs when it sent each Identify, and how long
# after its slot; the simulator records when it received it). After all READY it waits BENCH_SETTLE
# seconds (a rebalance may move shards) before it reads the final figures.
#
# Knobs (environment): BENCH_SHARDS (16), BENCH_MAX_CONCURRENCY (4), BENCH_SILOS (3), BENCH_GUILDS
# (4 per shard), BENCH_SETTLE seconds (10), BENCH_TIMEOUT seconds (60 + 6 per bucket),
# BENCH_COORDINATOR_WINDOW_MS (5300, the default Coordinator:IdentifyWindow; only the reference figure uses it),
# BENCH_DAILY_IDENTIFIES (the simulator's session_start_limit total: 1000, or twice the shards when that is more,
# as Discord raises the limit for large bots; with 1000 a 1,000-shard start runs into the coordinator's reserve),
# SHARDER_SKIP_BUILD=1 with SHARDER_SILO_DLL and SHARDER_SIMULATOR_DLL (run prebuilt binaries).
# Needs dotnet, redis-server, redis-cli, curl, jq and python3. Exit code 0 when all N shards were READY,
# 1 otherwise. Logs, the raw JSON and report.txt stay in the temp directory printed at the end.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shards="${BENCH_SHARDS:-16}"
max_concurrency="${BENCH_MAX_CONCURRENCY:-4}"
silo_count="${BENCH_SILOS:-3}"
guilds="${BENCH_GUILDS:-$((shards * 4))}"
settle="${BENCH_SETTLE:-10}"
coordinator_window="${BENCH_COORDINATOR_WINDOW_MS:-5300}"
daily_identifies="${BENCH_DAILY_IDENTIFIES:-$(( shards * 2 > 1000 ? shards * 2 : 1000 ))}"
buckets=$(( (shards + max_concurrency - 1) / max_concurrency ))
timeout="${BENCH_TIMEOUT:-$((60 + 6 * buckets))}"
logs="$(mktemp -d "${TMPDIR:-/tmp}/sharder-cold-start.XXXXXX")"
token="bench-token.$RANDOM$RANDOM.secret"

redis_pid="" sim_pid="" ports=() silo_pids=() silo_http=() silo_ready_ms=()
t0=0 all_ready_ms="" sim_url=""

say() { printf 'cold-start: %s\n' "$*"; }
die() { say "$*"; exit 1; }
now_ms() { local t="${EPOCHREALTIME//[.,]/}"; echo $(( t / 1000 )); }
since_t0() { echo $(( $(now_ms) - t0 )); }

require() { command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed"; }

# Prints $1 distinct free TCP ports on 127.0.0.1 (held together while chosen, so they differ).
free_ports() {
    python3 - "$1" <<'PY'
import socket, sys
held = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in held:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in held))
PY
}

# stop_pids GRACE PID...: SIGTERM to all, then SIGKILL to those still alive after GRACE seconds.
stop_pids() {
    local grace="$1"; shift
    local pid
    for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 1 $(( grace * 10 ))); do
        local alive=0
        for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        (( alive )) || return 0
        sleep 0.1
    done
    for pid in "$@"; do kill -KILL "$pid" 2>/dev/null || true; done
}

cleanup() {
    trap - INT TERM EXIT
    (( ${#silo_pids[@]} )) && stop_pids 30 "${silo_pids[@]}"
    [[ -n "$sim_pid" ]] && stop_pids 5 "$sim_pid"
    [[ -n "$redis_pid" ]] && stop_pids 5 "$redis_pid"
    say "logs are in $logs"
}

locate_binaries() {
    if [[ "${SHARDER_SKIP_BUILD:-}" == 1 ]]; then
        silo_dll="${SHARDER_SILO_DLL:?set SHARDER_SILO_DLL with SHARDER_SKIP_BUILD=1}"
        sim_dll="${SHARDER_SIMULATOR_DLL:?set SHARDER_SIMULATOR_DLL with SHARDER_SKIP_BUILD=1}"
        return
    fi
    say "building (Release)"
    local project
    for project in Sharder.Silo/Sharder.Silo.csproj tests/Sharder.Simulator/Sharder.Simulator.csproj; do
        dotnet build "$root/$project" -c Release -v quiet -nologo >>"$logs/build.log" || die "build failed; see $logs/build.log"
    done
    silo_dll="$root/Sharder.Silo/bin/Release/net10.0/Sharder.Silo.dll"
    sim_dll="$root/tests/Sharder.Simulator/bin/Release/net10.0/Sharder.Simulator.dll"
}

wait_http() { # url seconds what
    for _ in $(seq 1 $(( $2 * 10 ))); do
        curl -fsS -o /dev/null -m 1 "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    die "$3 did not answer $1 within $2 s; see $logs"
}

start_redis() { # port
    redis-server --port "$1" --bind 127.0.0.1 --save '' --appendonly no >"$logs/redis.log" 2>&1 &
    redis_pid=$!
    for _ in $(seq 1 50); do redis-cli -p "$1" PING >/dev/null 2>&1 && return 0; sleep 0.1; done
    die "redis-server did not start; see $logs/redis.log"
}

start_simulator() { # port
    dotnet "$sim_dll" --port "$1" --token "$token" --guilds "$guilds" --rate 0 \
        --max-concurrency "$max_concurrency" --daily-identifies "$daily_identifies" >"$logs/simulator.log" 2>&1 &
    sim_pid=$!
    sim_url="http://127.0.0.1:$1"
    wait_http "$sim_url/_sim/status" 30 "the simulator"
}

# Ports: ports[0] redis, ports[1] simulator, then silo, gateway and HTTP port of each silo.
silo_port() { echo "${ports[2 + 3 * $1 + $2]}"; } # silo_port INDEX KIND; KIND 0 silo, 1 gateway, 2 HTTP

# Launches every silo at once; t0 is taken just before the first.
start_silos() {
    local silo_dir n
    silo_dir="$(dirname "$silo_dll")"
    t0=$(now_ms)
    for (( n = 0; n < silo_count; n++ )); do
        silo_http[n]="$(silo_port "$n" 2)"
        env DISCORD_TOKEN="$token" REDIS_ADDR="127.0.0.1:${ports[0]}" DISCORD_SHARD_TOTAL="$shards" \
            Discord__ApiBaseUrl="$sim_url/api" Discord__GatewayUrl="ws://${sim_url#http://}" \
            Cluster__ClusterId=cold-start Cluster__AdvertisedIp=127.0.0.1 \
            SHARDER_SILO_PORT="$(silo_port "$n" 0)" SHARDER_GATEWAY_PORT="$(silo_port "$n" 1)" SHARDER_HTTP_PORT="${silo_http[n]}" \
            Logging__Console__FormatterName=simple Logging__Console__FormatterOptions__SingleLine=true \
            Logging__Console__FormatterOptions__TimestampFormat="HH:mm:ss.fff " \
            dotnet "$silo_dll" --contentRoot "$silo_dir" >"$logs/silo$((n + 1)).log" 2>&1 &
        silo_pids[n]=$!
    done
}

ready_shards() {
    local count
    count=$(curl -fsS -m 1 "$sim_url/_sim/sessions" 2>/dev/null \
        | jq '[.[] | select(.state == "Attached") | .shardId] | unique | length' 2>/dev/null) || true
    echo "${count:-0}"
}

# Polls every 100 ms until every silo answered /readyz and all shards are READY, or the timeout.
wait_for_cluster() {
    local deadline=$(( t0 + timeout * 1000 )) seen=0 count n pending
    while :; do
        pending=0
        for (( n = 0; n < silo_count; n++ )); do
            [[ -n "${silo_ready_ms[n]:-}" ]] && continue
            kill -0 "${silo_pids[n]}" 2>/dev/null || die "silo $((n + 1)) exited; see $logs/silo$((n + 1)).log"
            if curl -fsS -m 1 -o /dev/null "http://127.0.0.1:${silo_http[n]}/readyz" 2>/dev/null; then
                silo_ready_ms[n]=$(since_t0)
                say "+${silo_ready_ms[n]} ms  silo $((n + 1)) /readyz OK"
            else
                pending=1
            fi
        done
        if [[ -z "$all_ready_ms" ]]; then
            count=$(ready_shards)
            if (( count != seen )); then say "+$(since_t0) ms  $count/$shards shards READY"; seen=$count; fi
            (( count >= shards )) && all_ready_ms=$(since_t0) || pending=1
        fi
        (( pending )) || return 0
        (( $(now_ms) < deadline )) || return 1
        sleep 0.1
    done
}

# Saves what the report reads: simulator sessions, connections with their transcripts, ledger, /status.
collect() {
    local id
    curl -fsS "$sim_url/_sim/sessions" >"$logs/sessions.json"
    curl -fsS "$sim_url/_sim/connections?closed=true" >"$logs/connections.json"
    curl -fsS "$sim_url/_sim/ledger" >"$logs/ledger.json"
    mkdir -p "$logs/transcripts"
    for id in $(jq -r '.[].id' "$logs/connections.json"); do
        curl -fsS "$sim_url/_sim/connections/$id/transcript" >"$logs/transcripts/$id.json"
    done
    curl -fsS -m 10 "http://127.0.0.1:${silo_http[0]}/status" >"$logs/status.json" 2>/dev/null || echo '{}' >"$logs/status.json"
}

report() {
    local silo_ports=() readyz=() n
    for (( n = 0; n < silo_count; n++ )); do
        silo_ports+=("$(silo_port "$n" 0)")
        readyz+=("${silo_ready_ms[n]:--1}")
    done
    # The arguments are kept in the log folder, so the report can be made again from the saved JSON.
    local args=("$logs" "$t0" "$shards" "$max_concurrency" "${all_ready_ms:--1}"
        "$(IFS=,; echo "${silo_ports[*]}")" "$(IFS=,; echo "${readyz[*]}")" "$coordinator_window")
    printf '%s\n' "${args[@]:1}" >"$logs/report-args.txt"
    python3 - "${args[@]}" <<'PY' | tee "$logs/report.txt"
import json, math, os, re, sys
from datetime import datetime

logs, t0, n, m, polled = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
silo_ports = sys.argv[6].split(",")
readyz = [int(t) for t in sys.argv[7].split(",")]
window = int(sys.argv[8]) if len(sys.argv) > 8 else 5300
buckets = math.ceil(n / m)

def ms(iso):  # a simulator timestamp (UTC, 7 decimals) -> ms after launching the silos
    iso = re.sub(r"(\.\d{6})\d*", r"\1", iso).replace("Z", "+00:00")
    return round(datetime.fromisoformat(iso).timestamp() * 1000) - t0

def load(name):
    with open(os.path.join(logs, name)) as f:
        return json.load(f)

def times(ts):
    return " ".join(f"{t:,}" for t in sorted(ts)) or "-"

# Every Identify (op 2), Resume (op 6), READY and op 9 of every connection, open or closed.
identifies, resumes, ready, op9 = {}, {}, {}, 0
for conn in load("connections.json"):
    shard = conn.get("shardId")
    for e in load(f"transcripts/{conn['id']}.json"):
        if e.get("inbound") and e.get("op") in (2, 6):
            (identifies if e["op"] == 2 else resumes).setdefault(shard, []).append(ms(e["at"]))
        elif not e.get("inbound") and e.get("type") == "READY":
            ready.setdefault(shard, []).append(ms(e["at"]))
        elif not e.get("inbound") and e.get("op") == 9:
            op9 += 1
ledger = dict(re.findall(r"([a-z-]+)=(\d+)", load("ledger.json")))
status = load("status.json")
placement = {s["shard"]: s for s in status.get("shards", [])}

def silo_of(p):  # "S127.0.0.1:port:generation" -> silo number in launch order
    port = (p.get("silo") or "").lstrip("S").split(":")[1:2]
    return str(silo_ports.index(port[0]) + 1) if port and port[0] in silo_ports else "?"

def row(label, value, note=""):
    print(f"  {label:<58}{value:>7,}" + (f"  {note}" if note else "") if isinstance(value, int) else f"  {label:<58}{value:>7}")

print(f"\n{n} shards, max_concurrency {m} ({buckets} buckets), {len(silo_ports)} silos; ms after launching the silos")
for i, t in enumerate(readyz, 1):
    row(f"silo {i} /readyz OK", t if t >= 0 else "never")
first = {s: min(ts) for s, ts in identifies.items()}
if first:
    s0, s1 = min(first, key=first.get), max(first, key=first.get)
    row("first Identify", first[s0], f"(shard {s0})")
    row("last shard's first Identify", first[s1], f"(shard {s1})")
if len(ready) >= n:
    row(f"all {n} READY (the last first READY sent)", max(min(ts) for ts in ready.values()))
row(f"all {n} READY (seen by the 100 ms poll)", polled if polled >= 0 else "not reached")
if first and len(ready) >= n:
    cold = max(min(ts) for ts in ready.values()) - first[s0]
    row("cold start: all READY - first Identify", cold, f"({cold / (buckets * 5000):.3f} x ceil(N/M) x 5 s)")
    row("last shard's first Identify - first Identify", first[s1] - first[s0],
        f"({(first[s1] - first[s0]) / max(1, (buckets - 1) * 5000):.3f} x (ceil(N/M)-1) x 5 s)")
print("reference")
row("ceil(N/M) x 5 s", buckets * 5000)
if first:
    floor = first[s0] + (buckets - 1) * window
    row(f"first Identify + (ceil(N/M)-1) x {window} ms", floor, f"(last shard's first Identify {first[s1] - floor:+,})")

gaps = []
for key in range(m):
    ts = sorted(t for s, l in identifies.items() if s % m == key for t in l)
    gaps += [b - a for a, b in zip(ts, ts[1:])]
early = sum(1 for s, t in first.items() if s >= m
            and any(first.get(p, 1 << 62) > t for p in range((s // m - 1) * m, s // m * m)))
again = ", ".join(f"{s} ({len(l)}x)" for s, l in sorted(identifies.items()) if len(l) > 1) or "none"
total_identifies = sum(len(l) for l in identifies.values())
# When each Identify was sent and how long after its slot, from the silo logs ("HH:mm:ss.fff ... Shard S
# identifying (..., sent X ms after its slot)"); paired in order with the simulator's receipts per shard.
sent = {}
day = datetime.fromtimestamp(t0 / 1000).date()
pattern = re.compile(r"^(\d\d:\d\d:\d\d\.\d{3}) .*Shard (\d+) identifying \(.*sent (-?[\d.]+) ms after its slot\)")
for silo in range(1, len(silo_ports) + 1):
    with open(os.path.join(logs, f"silo{silo}.log"), errors="replace") as f:
        for line in f:
            if match := pattern.match(line):
                at = datetime.combine(day, datetime.strptime(match[1], "%H:%M:%S.%f").time()).timestamp() * 1000 - t0
                sent.setdefault(int(match[2]), []).append((round(at), float(match[3])))
slot_to_receipt, send_to_receipt = [], []
for shard, received in identifies.items():
    for (at, late), got in zip(sorted(sent.get(shard, [])), sorted(received)):
        slot_to_receipt.append(got - (at - late))
        send_to_receipt.append(got - at)
print("identify timing (ms; the log time has ms resolution and is taken just after the send)")
if slot_to_receipt:
    ordered = sorted(slot_to_receipt)
    row("Identifies timed (silo log paired with the simulator)", len(ordered))
    row("slot -> received by the simulator: min / median / max",
        f"{ordered[0]} / {ordered[len(ordered) // 2]} / {ordered[-1]}")
    row("sent -> received by the simulator: max", max(send_to_receipt))
    row("window that spread needs: 5 s + max - min", 5000 + ordered[-1] - ordered[0])
    send_gaps = []
    for key in range(m):
        ts = sorted(at for s, l in sent.items() if s % m == key for at, _ in l)
        send_gaps += [b - a for a, b in zip(ts, ts[1:])]
    row("smallest gap between two sends on one key (silo logs)", min(send_gaps) if send_gaps else "n/a")
else:
    print("  no 'sent ... ms after its slot' lines in the silo logs")

print("identify rule")
row("identify-concurrency violations (simulator ledger)", ledger.get("identify-violations", "?"))
row("op 9 sent by the simulator", op9)
row("smallest gap between two Identifies on one key (ms)", min(gaps) if gaps else "n/a")
row("Identifies / Resumes (simulator ledger)", f"{ledger.get('identifies', '?')} / {ledger.get('resumes', '?')}")
print(f"  shards that identified more than once: {again}")
row("shards that identified before all of the previous bucket", early)
if ident := status.get("identify"):
    row("coordinator grants / refusals", f"{ident.get('grants')} / {ident.get('refusals')}")
    row("grants not followed by an Identify", ident.get("grants", 0) - total_identifies)
    row("coordinator's budget left", f"{ident.get('remaining')}/{ident.get('total')}")

print("per shard (ms; placement and start kind after settling)")
print(f"  {'shard':>5} {'key':>4} {'bucket':>6}  {'Identify':>14}  {'READY':>14}  {'Resume':>10}  {'silo':>4}  start")
for s in range(n):
    p = placement.get(s, {})
    print(f"  {s:>5} {s % m:>4} {s // m:>6}  {times(identifies.get(s, [])):>14}  {times(ready.get(s, [])):>14}"
          f"  {times(resumes.get(s, [])):>10}  {silo_of(p):>4}  {p.get('start', '?')}")
if placement:
    per = {}
    for p in placement.values():
        per[silo_of(p)] = per.get(silo_of(p), 0) + 1
    print("  shards per silo: " + ", ".join(f"silo {k}: {v}" for k, v in sorted(per.items()))
          + f"; the last rebalance moved {status.get('lastRebalanceMoves')}")
PY
}

main() {
    local p
    for p in dotnet redis-server redis-cli curl jq python3; do require "$p"; done
    trap cleanup INT TERM EXIT
    locate_binaries
    read -r -a ports <<<"$(free_ports $(( 2 + 3 * silo_count )))"
    start_redis "${ports[0]}"
    start_simulator "${ports[1]}"
    say "redis :${ports[0]}, simulator :${ports[1]} (max_concurrency $max_concurrency, identify window 5000 ms), $shards shards, $silo_count silos"
    start_silos
    say "+0 ms  launched $silo_count silos"
    local ok=0
    wait_for_cluster || ok=1
    if (( ok == 0 )); then sleep "$settle"; else say "timed out after $timeout s"; fi
    collect
    report
    return "$ok"
}

main "$@"
