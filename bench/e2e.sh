#!/usr/bin/env bash
# End-to-end benchmark (issue 9 item 7): gateway simulator -> one Sharder silo -> redis-server -> a BLPOP
# worker, beside the discord.js-style peer (bench/e2e-peer) and redis-benchmark's pipelined RPUSH ceiling;
# then the idle cost of 10 and 1,000 zlib-stream shards on one silo. Prints markdown tables, writes JSON.
#
#   bench/e2e.sh --quick                 # zlib-stream, 4 and 64 shards, burst 20,000, steady 5 s (about 6 min)
#   bench/e2e.sh                         # all three modes, burst 100,000, steady 15 s, idle 30 s
#   bench/e2e.sh --json out.json ...     # any driver option (bench/e2e.sh --help lists them)
#
# Needs dotnet, node 20+ with npm, redis-server and redis-benchmark. SHARDER_SKIP_BUILD=1 uses the existing
# Release builds. Every process the run starts is stopped on exit, on failure and on Ctrl-C.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
logs="$(mktemp -d "${TMPDIR:-/tmp}/sharder-e2e.XXXXXX")"
driver_pid=""

say() { printf 'e2e: %s\n' "$*"; }

cleanup() {
    trap - INT TERM EXIT
    [[ -n "$driver_pid" ]] && kill -TERM "$driver_pid" 2>/dev/null && sleep 2
    # The driver writes the pid of every process it starts to $logs/pids; stop any left behind, by id.
    if [[ -f "$logs/pids" ]]; then
        while read -r pid; do kill -TERM "$pid" 2>/dev/null || true; done <"$logs/pids"
        sleep 1
        while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$logs/pids"
    fi
}
trap cleanup INT TERM EXIT

for tool in dotnet node npm redis-server redis-benchmark; do
    command -v "$tool" >/dev/null 2>&1 || { say "'$tool' is not installed"; exit 1; }
done

if [[ "${SHARDER_SKIP_BUILD:-}" != 1 ]]; then
    say "building Sharder.Silo and the driver (Release); log in $logs/build.log"
    dotnet build "$root/Sharder.Silo/Sharder.Silo.csproj" -c Release -v quiet -nologo >"$logs/build.log" 2>&1 \
        && dotnet build "$root/bench/Sharder.Bench.EndToEnd/Sharder.Bench.EndToEnd.csproj" -c Release -v quiet -nologo >>"$logs/build.log" 2>&1 \
        || { say "build failed; see $logs/build.log"; exit 1; }
fi
if [[ ! -d "$root/bench/e2e-peer/node_modules/@discordjs/ws" ]]; then
    say "installing the peer's packages (npm ci)"
    (cd "$root/bench/e2e-peer" && npm ci --no-audit --no-fund >"$logs/npm.log" 2>&1) || { say "npm ci failed; see $logs/npm.log"; exit 1; }
fi

dotnet "$root/bench/Sharder.Bench.EndToEnd/bin/Release/net10.0/Sharder.Bench.EndToEnd.dll" \
    --silo-dll "$root/Sharder.Silo/bin/Release/net10.0/Sharder.Silo.dll" --peer-dir "$root/bench/e2e-peer" --logs "$logs" "$@" &
driver_pid=$!
status=0
wait "$driver_pid" || status=$?
driver_pid=""
exit "$status"
