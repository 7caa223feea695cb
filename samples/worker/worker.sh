#!/bin/sh
# Sharder sample worker: BLPOPs events from Redis and prints one line per event.
# POSIX sh + redis-cli only, so it also runs in the redis:7-alpine image (docker-compose "worker").
# Reads the default output (Redis:Output:Format=Envelope, Layout=Single): the list "<prefix>:events".
#   REDIS_ADDR=127.0.0.1:6379 SHARDER_EVENTS_KEY=sharder:events sh samples/worker/worker.sh
# With Redis ACL users (docker-compose.yml): REDIS_USER=worker and the password in REDISCLI_AUTH (read by redis-cli).
set -u

addr="${REDIS_ADDR:-127.0.0.1:6379}"
host="${addr%:*}"
port="${addr##*:}"
key="${SHARDER_EVENTS_KEY:-sharder:events}"
worker="${WORKER_NAME:-worker}"

command -v redis-cli >/dev/null 2>&1 || { echo "$worker: redis-cli not found (apt-get install -y redis-tools)" >&2; exit 1; }
echo "$worker: waiting for events on $key at $host:$port"

while :; do
    # --raw BLPOP prints the list name, then the value; nothing when the 1 s timeout passes.
    reply="$(redis-cli -h "$host" -p "$port" ${REDIS_USER:+--user "$REDIS_USER"} --raw BLPOP "$key" 1 2>&1)" || { echo "$worker: $reply" >&2; sleep 1; continue; }
    [ -z "$reply" ] && continue
    value="$(printf '%s\n' "$reply" | sed -n '2,$p')"
    # The envelope starts {"shard":N,"seq":N,"t":"TYPE",...,"d":...}; a marker {"shard":N,"marker":"KIND",...}.
    line="$(printf '%s' "$value" | head -c 400 | sed -n \
        -e 's/^{"shard":\([0-9]*\),"seq":\([0-9]*\),"t":"\([^"]*\)","session":"[^"]*","guild_id":"\([0-9]*\)".*/shard=\1 seq=\2 \3 guild=\4/p' \
        -e 't' \
        -e 's/^{"shard":\([0-9]*\),"seq":\([0-9]*\),"t":"\([^"]*\)".*/shard=\1 seq=\2 \3/p' \
        -e 't' \
        -e 's/^{"shard":\([0-9]*\),"marker":"\([^"]*\)".*/shard=\1 marker=\2/p')"
    if [ -n "$line" ]; then
        echo "$worker: $line"
    else
        echo "$worker: $(printf '%s' "$value" | head -c 80)"
    fi
done
