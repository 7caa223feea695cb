#!/usr/bin/env bash
# End-to-end test of docker-compose.yml against the bundled gateway simulator, with real containers:
#   Redis + simulator + 3 silos (--scale silo=3), load on, every silo replaced one at a time with compose
#   (scripts/rolling-restart.sh compose: scale up by one, SIGTERM the oldest), one silo killed (SIGKILL), then the simulator's ledger is checked
#   against what a worker popped from Redis: 0 lost, 0 duplicated, identifies = shards (every hand-off resumed).
# Exits non-zero on any failure; the last line gives the figures. Takes about 5-8 minutes (not in .ci/run).
#
# Needs docker (engine running), docker compose v2 or docker-compose 1.29, the .NET 10 SDK, curl and jq.
# Images: the silo and simulator are published here and built with Dockerfile.prebuilt on Microsoft's aspnet
# image, or, when that cannot be pulled, on local base images (scripts/build-base-images.sh: root + debootstrap).
# Knobs: E2E_SHARDS (6), E2E_RATE events/s (20), E2E_KEEP=1 (leave the containers up), E2E_SKIP_PUBLISH=1.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shards="${E2E_SHARDS:-6}"
rate="${E2E_RATE:-20}"
project="sharder-e2e"
work="$root/artifacts/compose-e2e"
started=$SECONDS

say() { printf '\033[1mcompose-e2e [%4ss]:\033[0m %s\n' "$((SECONDS - started))" "$*"; }
fail() {
    say "FAILED: $*"
    dump_logs
    echo "compose-e2e: FAILED ($*) after $((SECONDS - started)) s"
    exit 1
}

for tool in docker curl jq dotnet; do
    command -v "$tool" >/dev/null || { echo "compose-e2e: '$tool' is not installed" >&2; exit 1; }
done
docker info >/dev/null 2>&1 || { echo "compose-e2e: the Docker engine does not answer" >&2; exit 1; }
if docker compose version >/dev/null 2>&1; then compose_cmd=(docker compose); 
elif command -v docker-compose >/dev/null; then compose_cmd=(docker-compose);
else echo "compose-e2e: neither 'docker compose' nor 'docker-compose' is installed" >&2; exit 1; fi

mkdir -p "$work"
env_file="$work/e2e.env"
compose() { "${compose_cmd[@]}" -f "$root/docker-compose.yml" -p "$project" --profile simulator "$@"; }

dump_logs() {
    compose logs --no-color >"$work/compose.log" 2>&1 || true
    local c
    for c in "${removed[@]}"; do docker logs "$c" >"$work/removed-$c.log" 2>/dev/null || true; done
    say "logs in $work"
}

cleanup() {
    local rc=$?
    if [[ "${E2E_KEEP:-}" == 1 ]]; then say "E2E_KEEP=1: containers left up (project $project)"; return; fi
    [[ $rc != 0 ]] && dump_logs
    compose down -v --remove-orphans >/dev/null 2>&1 || true
    for c in "${removed[@]}"; do docker rm -f "$c" >/dev/null 2>&1 || true; done
}
removed=()
trap cleanup EXIT

# ---- images ------------------------------------------------------------------------------------------------
pullable() { timeout 60 docker pull -q "$1" >/dev/null 2>&1; }
runtime_image=mcr.microsoft.com/dotnet/aspnet:10.0
redis_image=redis:7-alpine
if ! { docker image inspect "$runtime_image" >/dev/null 2>&1 || pullable "$runtime_image"; } \
   || ! { docker image inspect "$redis_image" >/dev/null 2>&1 || pullable "$redis_image"; }; then
    say "Microsoft's or Redis's image cannot be pulled: using local base images"
    "$root/scripts/build-base-images.sh"
    runtime_image=sharder-dotnet:local
    redis_image=sharder-base:bookworm
fi

if [[ "${E2E_SKIP_PUBLISH:-}" != 1 ]]; then
    say "dotnet publish (silo, simulator)"
    dotnet publish "$root/Sharder.Silo/Sharder.Silo.csproj" -c Release -o "$root/artifacts/docker/silo" -v quiet -nologo >"$work/publish.log" 2>&1 \
        || { cat "$work/publish.log"; exit 1; }
    dotnet publish "$root/tests/Sharder.Simulator/Sharder.Simulator.csproj" -c Release -o "$root/artifacts/docker/simulator" -v quiet -nologo >>"$work/publish.log" 2>&1 \
        || { cat "$work/publish.log"; exit 1; }
fi

# ---- settings: everything reaches the silos through env_file ------------------------------------------------
silo_password="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
worker_password="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
http_token="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
sim_token="e2e-token.$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n').secret"
cat >"$env_file" <<ENV
DISCORD_TOKEN=$sim_token
DISCORD_SHARD_TOTAL=$shards
Discord__ApiBaseUrl=http://simulator:5800/api
Discord__GatewayUrl=ws://simulator:5800
Gateway__Intents=1537
SHARDER_HTTP_TOKEN=$http_token
Cluster__ShutdownTimeout=00:00:30
REDIS_SILO_PASSWORD=$silo_password
REDIS_WORKER_PASSWORD=$worker_password
ENV
export SHARDER_ENV_FILE="$env_file" REDIS_SILO_PASSWORD="$silo_password" REDIS_WORKER_PASSWORD="$worker_password"
export SHARDER_DOCKERFILE=Dockerfile.prebuilt SHARDER_RUNTIME_IMAGE="$runtime_image" SHARDER_REDIS_IMAGE="$redis_image"
export SHARDER_SILO_IMAGE=sharder-silo:e2e SHARDER_SIMULATOR_IMAGE=sharder-simulator:e2e SHARDER_CLUSTER_ID=e2e
export SHARDER_HTTP_PUBLISH="127.0.0.1:"   # a free host port per silo (the script uses container addresses)
export SIMULATOR_TOKEN="$sim_token" SIMULATOR_RATE=0 SIMULATOR_GUILDS=$((shards * 20)) SIMULATOR_MAX_CONCURRENCY=2

compose down -v --remove-orphans >/dev/null 2>&1 || true
say "docker compose build (runtime $runtime_image, redis $redis_image)"
compose build >"$work/build.log" 2>&1 || { tail -30 "$work/build.log"; fail "compose build"; }

# ---- helpers -------------------------------------------------------------------------------------------------
ip_of() { docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"; }
silos() { # running silo container ids, oldest first
    docker ps -q --filter "label=com.docker.compose.project=$project" --filter "label=com.docker.compose.service=silo" \
        | xargs -r docker inspect -f '{{.Created}} {{.Id}}' | sort | awk '{print substr($2, 1, 12)}'
}
sim() { curl -fsS --max-time 10 "http://$sim_ip:5800/_sim/$1" "${@:2}"; }
attached_shards() { sim sessions | jq '[.[] | select(.state == "Attached") | .shardId] | unique | length'; }
wait_for() { # seconds description command...
    local limit="$1" what="$2"; shift 2
    local deadline=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        (( SECONDS < deadline )) || fail "$what (not within $limit s)"
        sleep 1
    done
}
all_attached() { [[ "$(attached_shards)" == "$shards" ]]; }
ready() { curl -fsS --max-time 5 -o /dev/null "http://$(ip_of "$1"):8080/readyz"; }
all_ready() { local c; for c in $(silos); do ready "$c" || return 1; done; }
settled() { all_attached && all_ready; }
silo_count_is() { [[ "$(silos | wc -l)" == "$1" ]]; }

# ---- up ------------------------------------------------------------------------------------------------------
say "up: redis, simulator, 3 silos ($shards shards)"
compose up -d --scale silo=3 >"$work/up.log" 2>&1 || { cat "$work/up.log"; fail "compose up"; }
sim_ip="$(ip_of "$(compose ps -q simulator)")"
wait_for 60 "simulator control API" sim status
wait_for 180 "3 silos ready and all $shards shards attached" settled
wait_for 5 "3 silos" silo_count_is 3

# env_file reached the silos: /status needs the token from it, and events arrive only with its intents.
first="$(silos | head -1)"
code="$(curl -s -o /dev/null -w '%{http_code}' "http://$(ip_of "$first"):8080/status")"
[[ "$code" == 401 ]] || fail "/status without the token from .env answered $code, not 401"
curl -fsS -o /dev/null -H "Authorization: Bearer $http_token" "http://$(ip_of "$first"):8080/status" || fail "/status with the token"

sim load -X POST -H 'Content-Type: application/json' -d "{\"eventsPerSecond\": $rate}" >/dev/null || fail "start load"
say "load on: $rate events/s"
llen() { compose exec -T redis redis-cli --user worker --no-auth-warning LLEN sharder:events | tr -d '\r'; }
events_arriving() { (( $(llen) > 0 )); }
wait_for 30 "events in sharder:events" events_arriving
sleep 10

# ---- replace every silo, one at a time, with the operators' script ---------------------------------------------
say "rolling restart: scripts/rolling-restart.sh compose"
ROLLING_COMPOSE_OPTIONS="-f $root/docker-compose.yml -p $project --profile simulator" SHARDER_HTTP_TOKEN="$http_token" ROLLING_LOG_DIR="$work" \
    "$root/scripts/rolling-restart.sh" compose 2>&1 | tee "$work/rolling-restart.log" || fail "rolling restart"
grep -q "done: every silo replaced" "$work/rolling-restart.log" || fail "rolling restart"
stop_times=($(grep -o 'stop took [0-9]*' "$work/rolling-restart.log" | cut -d' ' -f3))
(( ${#stop_times[@]} == 3 )) || fail "the rolling restart replaced ${#stop_times[@]} silos, not 3"
wait_for 120 "all shards attached after the rolling restart" settled
wait_for 5 "3 silos" silo_count_is 3
sleep 5

# ---- kill one --------------------------------------------------------------------------------------------------
# The victim is the silo hosting the most shards (per /status), so the kill takes sessions down with it.
status="$(curl -fsS --max-time 10 -H "Authorization: Bearer $http_token" "http://$(ip_of "$(silos | head -1)"):8080/status")" || fail "/status"
victim="" most=0
for c in $(silos); do
    n="$(jq --arg ip "S$(ip_of "$c"):" '[.shards[] | select(.silo // "" | startswith($ip))] | length' <<<"$status")"
    (( n > most )) && { victim="$c"; most="$n"; }
done
[[ -n "$victim" ]] || fail "no silo hosts a shard"
say "docker kill $victim ($most shards; SIGKILL, no hand-off)"
before="$(sim sessions | jq -c 'map(select(.state == "Attached") | {(.shardId | tostring): .attachedConnectionId}) | add')"
# Done when as many shards as the victim held are attached on new connections (and every shard is attached).
reattached() {
    (( $(sim sessions | jq --argjson b "$before" \
        '[.[] | select(.state == "Attached" and .attachedConnectionId != $b[.shardId | tostring])] | length') >= most ))
}
t0=$SECONDS
docker kill "$victim" >/dev/null
removed+=("$victim")
wait_for 180 "the killed silo's shards attached on new connections" reattached
wait_for 180 "all shards attached after the kill" settled
recovery=$((SECONDS - t0))
docker logs "$victim" >"$work/removed-$victim.log" 2>&1 || true
docker rm -f "$victim" >/dev/null
say "shards of $victim back after ${recovery} s; scaling back to 3"
compose up -d --no-recreate --scale silo=3 silo >>"$work/up.log" 2>&1 || fail "scale back"
wait_for 120 "3 silos ready" settled
sleep 10

# ---- drain and check -------------------------------------------------------------------------------------------
sim load -X POST -H 'Content-Type: application/json' -d '{"eventsPerSecond": 0}' >/dev/null || fail "stop load"
say "load off; waiting for the event list to settle"
last=-1
for _ in $(seq 1 30); do
    now="$(llen)"; [[ "$now" == "$last" ]] && break; last="$now"; sleep 3
done

say "popping sharder:events as the ACL user \"worker\" ($last entries)"
popped="$work/popped.jsonl"
: >"$popped"
while :; do
    batch="$(compose exec -T redis redis-cli --user worker --no-auth-warning --raw LPOP sharder:events 1000 | tr -d '\r')"
    [[ -z "$batch" ]] && break
    grep '^{' <<<"$batch" >>"$popped" || true
done
jq -c -s 'map(select(has("marker") | not) | {shardId: .shard, sessionId: .session, seq: .seq, type: .t})' "$popped" >"$work/records.json"
markers="$(jq -s 'map(select(has("marker"))) | length' "$popped")"
check="$(sim ledger/check -X POST -H 'Content-Type: application/json' --data-binary @"$work/records.json")" || fail "ledger check request"
jq . <<<"$check" >"$work/ledger-check.json"
summary="$(jq -r .summary <<<"$check")"
figure() { grep -o "\b$1=[0-9.]*" <<<"$summary" | head -1 | cut -d= -f2; }
lost="$(figure lost)"; duplicates="$(figure duplicates)"; identifies="$(figure identifies)"
say "ledger: $summary"
ok="$(jq -r .ok <<<"$check")"
failures=()
[[ "$lost" == 0 ]] || failures+=("lost=$lost")
[[ "$duplicates" == 0 ]] || failures+=("duplicates=$duplicates")
[[ "$identifies" == "$shards" ]] || failures+=("identifies=$identifies, not $shards")
[[ "$ok" == true ]] || failures+=("$(jq -r '.violations | length' <<<"$check") violation(s): $(jq -r '.violations[:3] | join(" | ")' <<<"$check")")
(( ${#failures[@]} == 0 )) || fail "${failures[*]}"

figures="shards=$shards silos=3 replaced=${#stop_times[@]} killed=1 published=$(figure published) produced=$(figure produced) lost=$lost duplicates=$duplicates identifies=$identifies resumes=$(figure resumes) markers=$markers stop-times=$(IFS=,; echo "${stop_times[*]}")s kill-recovery=${recovery}s max-recovery=$(figure max-recovery)s duration=$((SECONDS - started))s"
say "passed"
echo "compose-e2e: OK $figures"
