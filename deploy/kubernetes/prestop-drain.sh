#!/usr/bin/env bash
# preStop hook of the silo pod (mounted from the ConfigMap "sharder-prestop"): drains this silo through its own
# admin route, so its shards move live to the other silos, then waits until /status shows none left here. All of
# it within 35 s (15 s for the drain answer, then until 30 s have passed, each status read bounded by 5 s); keep
# terminationGracePeriodSeconds above that plus Cluster:ShutdownTimeout. Kubernetes sends SIGTERM afterwards; the silo then stops with nothing to hand off.
# Any failure (no admin token, the last silo, a slow answer) just ends the hook: the graceful stop still hands
# the shards off. Plain bash (/dev/tcp): the runtime image has no curl.
set -u
secrets="${PRESTOP_SECRETS_DIR:-/var/run/secrets/sharder}"
port="${SHARDER_HTTP_PORT:-8080}"
[[ -s "$secrets/admin-token" ]] || exit 0

deadline=$((SECONDS + 30))

# request SECONDS METHOD PATH TOKEN: prints the whole HTTP/1.0 answer (status line, headers, body).
request() {
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    printf '%s %s HTTP/1.0\r\nHost: localhost\r\nAuthorization: Bearer %s\r\nContent-Length: 0\r\n\r\n' "$2" "$3" "$4" >&3
    timeout "$1" cat <&3
    exec 3<&-
}

answer="$(request 15 POST /admin/silos/self/drain "$(cat "$secrets/admin-token")")" || exit 0
[[ "$answer" == *'"outcome":"Drained"'* ]] || exit 0
silo="${answer#*\"silo\":\"}"
silo="${silo%%\"*}"
http_token="$(cat "$secrets/http-token" 2>/dev/null || true)"
while (( SECONDS < deadline )); do
    status="$(request 5 GET /status "$http_token")" || exit 0
    [[ "$status" == "HTTP/1."?" 200 "* && "$status" != *"\"silo\":\"$silo\""* ]] && exit 0
    sleep 1
done
exit 0
