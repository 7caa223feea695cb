#!/usr/bin/env bash
# Sharder demo: Redis, two silos and the sample worker printing events. Ctrl-C stops everything.
#
#   ./demo.sh                        # against the bundled gateway simulator (no Discord account needed)
#   DISCORD_TOKEN=... ./demo.sh      # against real Discord (no simulator)
#
# Knobs (environment): DEMO_SHARDS (4), DEMO_GUILDS (40), DEMO_RATE events/s (5), DEMO_REDIS_PORT (6380),
# DEMO_SIMULATOR_PORT (5800), REDIS_ADDR (use an existing Redis instead of starting one), DEMO_DURATION
# (seconds, then stop; default: until Ctrl-C), SHARDER_SKIP_BUILD=1 with SHARDER_SILO_DLL and
# SHARDER_SIMULATOR_DLL (run prebuilt binaries; SHARDER_WORKER_DLL for the C# worker), DEMO_WORKER (dotnet:
# samples/Sharder.Worker, the default; shell: samples/worker/worker.sh, which needs only redis-cli).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
shards="${DEMO_SHARDS:-4}"
redis_port="${DEMO_REDIS_PORT:-6380}"
sim_port="${DEMO_SIMULATOR_PORT:-5800}"
logs="$(mktemp -d "${TMPDIR:-/tmp}/sharder-demo.XXXXXX")"
pids=()

say() { printf '\033[1mdemo:\033[0m %s\n' "$*"; }

cleanup() {
    trap - INT TERM EXIT
    say "stopping (silos first, gracefully)"
    for (( i=${#pids[@]}-1; i>=0; i-- )); do
        kill -TERM "${pids[i]}" 2>/dev/null || true
        for _ in $(seq 1 70); do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "${pids[i]}" 2>/dev/null || true
    done
    say "logs are in $logs"
}
trap cleanup INT TERM EXIT

require() {
    command -v "$1" >/dev/null 2>&1 && return
    say "'$1' is not installed. $2"
    exit 1
}

wait_http() { # url timeout-seconds what
    for _ in $(seq 1 $(( $2 * 2 ))); do
        curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
        sleep 0.5
    done
    say "$3 did not answer $1 within $2 s; see $logs"
    exit 1
}

require dotnet "Install the .NET 10 SDK: https://dotnet.microsoft.com/download"
require curl "Install it: apt-get install -y curl (or brew install curl)"
require redis-cli "Install it: apt-get install -y redis-tools (or brew install redis)"

if [[ "${SHARDER_SKIP_BUILD:-}" == 1 ]]; then
    silo_dll="${SHARDER_SILO_DLL:?set SHARDER_SILO_DLL with SHARDER_SKIP_BUILD=1}"
    sim_dll="${SHARDER_SIMULATOR_DLL:-}"
    worker_dll="${SHARDER_WORKER_DLL:-}"
else
    say "building (Release)"
    dotnet build "$root/Sharder.Silo/Sharder.Silo.csproj" -c Release -v quiet -nologo >"$logs/build.log"
    silo_dll="$root/Sharder.Silo/bin/Release/net10.0/Sharder.Silo.dll"
    if [[ -z "${DISCORD_TOKEN:-}" ]]; then
        dotnet build "$root/tests/Sharder.Simulator/Sharder.Simulator.csproj" -c Release -v quiet -nologo >>"$logs/build.log"
    fi
    sim_dll="$root/tests/Sharder.Simulator/bin/Release/net10.0/Sharder.Simulator.dll"
    worker_dll=""
    if [[ "${DEMO_WORKER:-dotnet}" != shell ]]; then
        dotnet build "$root/samples/Sharder.Worker/Sharder.Worker.csproj" -c Release -v quiet -nologo >>"$logs/build.log"
        worker_dll="$root/samples/Sharder.Worker/bin/Release/net10.0/Sharder.Worker.dll"
    fi
fi

if [[ -z "${REDIS_ADDR:-}" ]]; then
    require redis-server "Install it: apt-get install -y redis-server (or brew install redis), or set REDIS_ADDR=host:port."
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$logs/redis.log" 2>&1 &
    pids+=($!)
    REDIS_ADDR="127.0.0.1:$redis_port"
    for _ in $(seq 1 40); do redis-cli -p "$redis_port" PING >/dev/null 2>&1 && break; sleep 0.25; done
    say "redis-server on $REDIS_ADDR"
fi
export REDIS_ADDR

silo_env=(DISCORD_SHARD_TOTAL="${DISCORD_SHARD_TOTAL:-$shards}" Cluster__ClusterId=demo Cluster__AdvertisedIp=127.0.0.1)
if [[ -z "${DISCORD_TOKEN:-}" ]]; then
    token="demo-token.$RANDOM$RANDOM.secret"
    dotnet "$sim_dll" --port "$sim_port" --token "$token" --guilds "${DEMO_GUILDS:-40}" --rate "${DEMO_RATE:-5}" \
        --max-concurrency "$shards" >"$logs/simulator.log" 2>&1 &
    pids+=($!)
    wait_http "http://127.0.0.1:$sim_port/_sim/status" 30 "the simulator"
    say "simulator on http://127.0.0.1:$sim_port/api ($shards shards, ${DEMO_RATE:-5} events/s)"
    silo_env+=(DISCORD_TOKEN="$token" Discord__ApiBaseUrl="http://127.0.0.1:$sim_port/api"
        Discord__GatewayUrl="ws://127.0.0.1:$sim_port" Gateway__Intents="${Gateway__Intents:-1537}")
else
    say "real Discord: the token comes from DISCORD_TOKEN"
fi

silo_dir="$(dirname "$silo_dll")"
for n in 1 2; do
    env "${silo_env[@]}" SHARDER_SILO_PORT=$((11110 + n)) SHARDER_GATEWAY_PORT=$((29999 + n)) SHARDER_HTTP_PORT=$((8080 + n)) \
        dotnet "$silo_dll" --contentRoot "$silo_dir" >"$logs/silo$n.log" 2>&1 &
    pids+=($!)
done
for n in 1 2; do
    wait_http "http://127.0.0.1:$((8080 + n))/readyz" 90 "silo $n"
    say "silo $n ready: dashboard http://127.0.0.1:$((8080 + n))/dashboard/  status http://127.0.0.1:$((8080 + n))/status"
done

if [[ "${DEMO_WORKER:-dotnet}" != shell && -n "${worker_dll:-}" ]]; then
    # The C# sample on Sharder.Client: BLMOVE + ack (at least once), answers "!ping" with a presence update.
    REDIS_ADDR="$REDIS_ADDR" WORKER_NAME=worker dotnet "$worker_dll" &
    pids+=($!)
    if [[ -z "${DISCORD_TOKEN:-}" ]]; then
        guild="$(curl -fsS "http://127.0.0.1:$sim_port/_sim/guilds" | grep -o '"id":"\{0,1\}[0-9]*' | head -n 1 | grep -o '[0-9]*$' || true)"
        sleep 2
        curl -fsS -o /dev/null -X POST "http://127.0.0.1:$sim_port/_sim/emit" -H 'Content-Type: application/json' \
            -d "{\"type\":\"MESSAGE_CREATE\",\"guildId\":${guild:-null},\"data\":\"{\\\"content\\\":\\\"!ping\\\",\\\"guild_id\\\":\\\"${guild:-0}\\\"}\"}" \
            && say "sent a '!ping' message through the simulator: the worker answers with a presence update (sharder:to:{shard})"
    fi
else
    REDIS_ADDR="$REDIS_ADDR" sh "$root/samples/worker/worker.sh" &
    pids+=($!)
fi

if [[ -n "${DEMO_DURATION:-}" ]]; then
    sleep "$DEMO_DURATION"
else
    say "Ctrl-C to stop"
    wait
fi
