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
#
# Missing tools are installed where it can, and it says so: redis-server and curl with apt-get (Debian/Ubuntu;
# through sudo when not root) or Homebrew (macOS); without either, Redis runs as the redis:7 container when
# Docker answers. The .NET 10 SDK is not installed silently: it prints the dotnet-install.sh commands and stops.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
shards="${DEMO_SHARDS:-4}"
redis_port="${DEMO_REDIS_PORT:-6380}"
sim_port="${DEMO_SIMULATOR_PORT:-5800}"
logs="$(mktemp -d "${TMPDIR:-/tmp}/sharder-demo.XXXXXX")"
pids=()
redis_container=""

say() { printf '\033[1mdemo:\033[0m %s\n' "$*"; }

cleanup() {
    trap - INT TERM EXIT
    if [[ ${#pids[@]} -eq 0 && -z "$redis_container" ]]; then
        return # stopped before anything ran (a missing tool): nothing to stop
    fi
    say "stopping (silos first, gracefully)"
    for (( i=${#pids[@]}-1; i>=0; i-- )); do
        kill -TERM "${pids[i]}" 2>/dev/null || true
        for _ in $(seq 1 70); do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "${pids[i]}" 2>/dev/null || true
    done
    if [[ -n "$redis_container" ]]; then
        docker stop "$redis_container" >/dev/null 2>&1 || true
    fi
    say "logs are in $logs"
}
trap cleanup INT TERM EXIT

# Installs missing tools where it can and says what it did: apt-get on Debian/Ubuntu (through sudo when not
# root), Homebrew on macOS. Returns non-zero when it cannot.
install_packages() { # apt-packages brew-packages
    if command -v apt-get >/dev/null 2>&1; then
        local as_root=()
        if [[ "$(id -u)" -ne 0 ]]; then
            command -v sudo >/dev/null 2>&1 || return 1
            as_root=(sudo)
        fi
        say "installing $1 with apt-get${as_root:+ (sudo)}"
        "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
        # shellcheck disable=SC2086 # a list of package names
        "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $1 >/dev/null
    elif command -v brew >/dev/null 2>&1; then
        say "installing $2 with Homebrew"
        # shellcheck disable=SC2086
        brew install $2 >/dev/null
    else
        return 1
    fi
}

need() { # command apt-packages brew-packages
    command -v "$1" >/dev/null 2>&1 && return
    install_packages "$2" "$3" && command -v "$1" >/dev/null 2>&1 && return
    say "'$1' is not installed and this machine has neither apt-get (with root or sudo) nor Homebrew: install $2 and run again."
    exit 1
}

# The .NET SDK is not installed behind the reader's back: say the exact commands and stop.
need_dotnet() {
    if ! command -v dotnet >/dev/null 2>&1 && [[ -x "$HOME/.dotnet/dotnet" ]]; then
        export PATH="$HOME/.dotnet:$PATH"
    fi
    if command -v dotnet >/dev/null 2>&1 && dotnet --list-sdks 2>/dev/null | grep -q '^10\.'; then
        return
    fi
    say "the .NET 10 SDK is not installed. Install it for your user (no root needed), then run ./demo.sh again:"
    echo "    curl -fsSL https://dot.net/v1/dotnet-install.sh -o /tmp/dotnet-install.sh"
    echo "    bash /tmp/dotnet-install.sh --jsonfile \"$root/global.json\" --install-dir \"\$HOME/.dotnet\""
    echo "    export PATH=\"\$HOME/.dotnet:\$PATH\""
    exit 1
}

# Answers once redis on 127.0.0.1:$1 replies +PONG (bash's /dev/tcp: no redis-cli needed).
redis_answers() {
    local reply=""
    { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
    printf 'PING\r\n' >&3
    IFS= read -r -t 2 reply <&3 || true
    exec 3>&- 3<&-
    [[ "$reply" == +PONG* ]]
}

# A private redis-server on $redis_port: the local binary, else one installed now, else a container.
start_redis() {
    if ! command -v redis-server >/dev/null 2>&1; then
        install_packages redis-server redis || true
    fi
    if command -v redis-server >/dev/null 2>&1; then
        redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$logs/redis.log" 2>&1 &
        pids+=($!)
    elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
        redis_container="sharder-demo-redis-$$"
        say "no redis-server and no package manager to install it: starting the redis:7 container $redis_container"
        docker run -d --rm --name "$redis_container" -p "127.0.0.1:$redis_port:6379" redis:7 \
            redis-server --save '' --appendonly no >"$logs/redis.log" 2>&1 \
            || { say "docker could not start redis:7 (see $logs/redis.log). Install redis-server or set REDIS_ADDR=host:port."; exit 1; }
    else
        say "redis-server is not installed and cannot be: no apt-get (with root or sudo), no Homebrew, no running Docker."
        say "Install redis-server, or set REDIS_ADDR=host:port to use a Redis you already run."
        exit 1
    fi
    for _ in $(seq 1 60); do redis_answers "$redis_port" && return 0; sleep 0.25; done
    say "redis did not answer on 127.0.0.1:$redis_port within 15 s; see $logs/redis.log"
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

need_dotnet
need curl curl curl
if [[ "${DEMO_WORKER:-dotnet}" == shell ]]; then
    need redis-cli redis-tools redis
fi

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
    start_redis
    REDIS_ADDR="127.0.0.1:$redis_port"
    say "redis on $REDIS_ADDR"
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
