#!/usr/bin/env bash
# Rolling restart of a Sharder cluster: one silo at a time, each only after every shard is Active again on the
# silos left, so the shards move by hand-off (their sessions resume) and none is down for long.
#
# Docker Compose (docker-compose.yml's "silo" service; run from the directory of docker-compose.yml):
#   scripts/rolling-restart.sh compose
#   Per silo, oldest first: one more silo is started (`up -d --no-recreate --scale silo=N+1`), and once it is
#   ready the old one gets SIGTERM (`docker stop`, grace above Cluster:ShutdownTimeout) and is removed.
#   Pick up a new image this way: `docker compose build` (or pull) first; new containers use it.
#   COMPOSE_PROJECT_NAME, COMPOSE_FILE and the usual compose variables apply; extra compose options go in
#   ROLLING_COMPOSE_OPTIONS (e.g. "-p sharder").
#
# Plain processes (systemd units, supervisors, shell): one line per silo in a file,
#   <pid file> <http base URL> <start command ...>
# e.g.  /run/sharder/silo1.pid http://10.0.0.5:8080 systemctl start sharder@1
#   scripts/rolling-restart.sh processes silos.txt
#   Per line: SIGTERM the pid, wait until it has exited (up to ROLLING_STOP_TIMEOUT, 60 s) and every shard is
#   Active on another silo, run the start command (it must write the pid file), wait for its /readyz.
#
# The shard check reads /status of a running silo, with SHARDER_HTTP_TOKEN (or SHARDER_HTTP_TOKEN_FILE, or
# .env's SHARDER_HTTP_TOKEN) when set. Needs curl and jq. Timeouts: ROLLING_READY_TIMEOUT (180 s) per wait.
#
# With an admin token (SHARDER_ADMIN_TOKEN, SHARDER_ADMIN_TOKEN_FILE or .env's SHARDER_ADMIN_TOKEN) each silo is
# drained first (POST /admin/silos/self/drain): its shards move, live, to the other silos, and once /status shows
# none on it and all Active it is stopped, with nothing left to hand off. Without one, or when the drain is
# refused, the silo is stopped as before and its shards are handed off while it stops.
set -euo pipefail

mode="${1:-}"
ready_timeout="${ROLLING_READY_TIMEOUT:-180}"
stop_timeout="${ROLLING_STOP_TIMEOUT:-60}"
grace="${ROLLING_STOP_GRACE:-45}"

say() { printf '\033[1mrolling-restart:\033[0m %s\n' "$*"; }
die() { say "$*"; exit 1; }
usage() { sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
for tool in curl jq; do command -v "$tool" >/dev/null || die "'$tool' is not installed"; done

token="${SHARDER_HTTP_TOKEN:-}"
if [[ -z "$token" && -n "${SHARDER_HTTP_TOKEN_FILE:-}" ]]; then token="$(tr -d '\r\n' <"$SHARDER_HTTP_TOKEN_FILE")"; fi
if [[ -z "$token" && -f .env ]]; then token="$(sed -n 's/^SHARDER_HTTP_TOKEN=//p' .env | tail -1 | tr -d '\r"')"; fi
auth=()
[[ -n "$token" ]] && auth=(-H "Authorization: Bearer $token")

admin_token="${SHARDER_ADMIN_TOKEN:-}"
if [[ -z "$admin_token" && -n "${SHARDER_ADMIN_TOKEN_FILE:-}" ]]; then admin_token="$(tr -d '\r\n' <"$SHARDER_ADMIN_TOKEN_FILE")"; fi
if [[ -z "$admin_token" && -f .env ]]; then admin_token="$(sed -n 's/^SHARDER_ADMIN_TOKEN=//p' .env | tail -1 | tr -d '\r"')"; fi

ready() { curl -fsS --max-time 5 -o /dev/null "$1/readyz"; }

# Every shard Active, on a silo the cluster lists as active, as seen by the silo at $1.
shards_active() {
    local status
    status="$(curl -fsS --max-time 10 "${auth[@]}" "$1/status")" || return 1
    jq -e '(.activeSilos) as $silos | (.shards | length) == .shardTotal and .shardTotal > 0
           and all(.shards[]; .state == "Active" and (.silo as $s | $silos | index($s)))' <<<"$status" >/dev/null
}

# Every shard Active and none on the silo $2 (as /status prints it), as seen by the silo at $1.
shards_off() {
    local status
    status="$(curl -fsS --max-time 10 "${auth[@]}" "$1/status")" || return 1
    jq -e --arg gone "$2" '(.activeSilos) as $silos | (.shards | length) == .shardTotal and .shardTotal > 0
           and all(.shards[]; .state == "Active" and .silo != $gone and (.silo as $s | $silos | index($s)))' <<<"$status" >/dev/null
}

# Drains the silo at $1 (prints its address); fails without an admin token or when the silo refuses.
drain() {
    [[ -n "$admin_token" ]] || return 1
    local answer
    answer="$(curl -fsS --max-time 40 -X POST -H "Authorization: Bearer $admin_token" "$1/admin/silos/self/drain")" || return 1
    jq -er 'select(.outcome == "Drained") | .silo' <<<"$answer"
}

# Before stopping the silo at $1: drain it and wait, asking the silo at $2, until it runs no shard.
drain_before_stop() {
    local silo
    if silo="$(drain "$1")"; then
        say "drained $silo; waiting until its shards run elsewhere"
        wait_for "$ready_timeout" "every shard Active off the drained silo $silo" shards_off "$2" "$silo"
    elif [[ -n "$admin_token" ]]; then
        say "warning: $1 refused the drain; stopping it with a hand-off instead"
    fi
}

wait_for() { # seconds description command...
    local limit="$1" what="$2"; shift 2
    local deadline=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        (( SECONDS < deadline )) || die "$what: not within $limit s; stopping here (the cluster keeps running)"
        sleep 1
    done
}

compose_restart() {
    local compose_cmd
    if docker compose version >/dev/null 2>&1; then compose_cmd=(docker compose); else compose_cmd=(docker-compose); fi
    # shellcheck disable=SC2206
    local extra=(${ROLLING_COMPOSE_OPTIONS:-})
    compose() { "${compose_cmd[@]}" "${extra[@]}" "$@"; }
    silos() { # running silo containers, oldest first
        compose ps -q silo | xargs -r docker inspect -f '{{.State.Running}} {{.Created}} {{.Id}}' \
            | awk '$1 == "true" {print $2, substr($3, 1, 12)}' | sort | awk '{print $2}'
    }
    url_of() { echo "http://$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"):8080"; }
    any_url() { local c; for c in $(silos); do [[ "$c" != "$1" ]] && { url_of "$c"; return; }; done; return 1; }

    local originals count
    originals="$(silos)"
    count="$(wc -w <<<"$originals")"
    (( count > 0 )) || die "no running silo containers (run from the directory of docker-compose.yml, or set ROLLING_COMPOSE_OPTIONS)"
    say "$count silo(s): $(tr '\n' ' ' <<<"$originals")"
    local old before new
    for old in $originals; do
        before="$(silos)"
        compose up -d --no-recreate --scale "silo=$((count + 1))" silo >/dev/null
        new="$(comm -13 <(sort <<<"$before") <(silos | sort) | head -1)"
        [[ -n "$new" ]] || die "compose started no new silo"
        wait_for "$ready_timeout" "new silo $new ready" ready "$(url_of "$new")"
        wait_for "$ready_timeout" "every shard Active after $new joined" shards_active "$(url_of "$new")"
        drain_before_stop "$(url_of "$old")" "$(url_of "$new")"
        say "SIGTERM $old (the new silo $new is ready)"
        local t0=$SECONDS
        docker stop -t "$grace" "$old" >/dev/null
        local took=$((SECONDS - t0))
        [[ "$(docker inspect -f '{{.State.ExitCode}}' "$old")" == 0 ]] \
            || say "warning: $old exited with $(docker inspect -f '{{.State.ExitCode}}' "$old") (logs: docker logs $old)"
        docker logs "$old" >"${ROLLING_LOG_DIR:-/tmp}/rolling-restart-$old.log" 2>&1 || true
        docker rm "$old" >/dev/null
        wait_for "$ready_timeout" "every shard Active after $old stopped" shards_active "$(any_url "$old")"
        say "$old replaced by $new (stop took $took s)"
    done
    say "done: every silo replaced"
}

process_restart() {
    local file="$1"
    [[ -f "$file" ]] || die "no such file: $file"
    local lines=() line
    while IFS= read -r line; do
        [[ -z "${line// }" || "$line" == \#* ]] && continue
        lines+=("$line")
    done <"$file"
    (( ${#lines[@]} > 1 )) || die "$file lists ${#lines[@]} silo(s); a rolling restart needs at least two"
    local i pidfile url start pid other
    for i in "${!lines[@]}"; do
        read -r pidfile url start <<<"${lines[i]}"
        [[ -n "$start" ]] || die "line $((i + 1)): <pid file> <http base URL> <start command ...>"
        other="$(read -r _ u _ <<<"${lines[(i + 1) % ${#lines[@]}]}"; echo "$u")"
        ready "$other" || die "$other (the silo asked about the shards) is not ready"
        pid="$(cat "$pidfile" 2>/dev/null || true)"
        if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
            drain_before_stop "$url" "$other"
            say "SIGTERM silo $url (pid $pid)"
            kill -TERM "$pid"
            local deadline=$((SECONDS + stop_timeout))
            while kill -0 "$pid" 2>/dev/null; do
                (( SECONDS < deadline )) || die "pid $pid still runs after $stop_timeout s"
                sleep 1
            done
        else
            say "silo $url is not running (pid file $pidfile); starting it"
        fi
        wait_for "$ready_timeout" "every shard Active on the other silos" shards_active "$other"
        say "starting: $start"
        bash -c "$start"
        wait_for "$ready_timeout" "silo $url ready" ready "$url"
        wait_for "$ready_timeout" "every shard Active after $url started" shards_active "$url"
        say "silo $url restarted"
    done
    say "done: every silo restarted"
}

case "$mode" in
    compose) compose_restart ;;
    processes) [[ $# -eq 2 ]] || usage; process_restart "$2" ;;
    *) usage ;;
esac
