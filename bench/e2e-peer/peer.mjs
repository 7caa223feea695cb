// The discord.js-style peer of bench/e2e.sh: @discordjs/ws shards in one process, every dispatch
// JSON-encoded and pushed with RPUSH to one Redis list through ioredis with auto-pipelining.
// This is the shape a short JavaScript gateway proxy has; it has no checkpoint, no exactly-once and
// no hand-off, so it is the floor Sharder is compared with, not a rival design.
//
// Configured by the driver through the environment:
//   PEER_API         REST base of the simulator, e.g. http://127.0.0.1:5800/api
//   PEER_TOKEN       bot token
//   PEER_SHARDS      shard count (all shards run in this process)
//   PEER_COMPRESSION zlib-stream or none (@discordjs/ws 2.x has no zstd-stream)
//   PEER_INTENTS     intents bitfield
//   PEER_REDIS_PORT  redis-server on 127.0.0.1
//   PEER_LIST        list to push to
// Prints "ready N" on stdout when all N shards are READY.
import { REST } from '@discordjs/rest';
import { CompressionMethod, WebSocketManager, WebSocketShardEvents } from '@discordjs/ws';
import Redis from 'ioredis';

const env = process.env;
const shards = Number(env.PEER_SHARDS);
const list = env.PEER_LIST;

const redis = new Redis({ host: '127.0.0.1', port: Number(env.PEER_REDIS_PORT), enableAutoPipelining: true });
const rest = new REST({ api: env.PEER_API, version: '10' }).setToken(env.PEER_TOKEN);
const manager = new WebSocketManager({
    token: env.PEER_TOKEN,
    intents: Number(env.PEER_INTENTS),
    rest,
    shardCount: shards,
    compression: env.PEER_COMPRESSION === 'zlib-stream' ? CompressionMethod.ZlibNative : null,
});

const ready = new Set();
manager.on(WebSocketShardEvents.Dispatch, (payload) => {
    redis.rpush(list, JSON.stringify(payload)).catch((error) => console.error(`rpush: ${error.message}`));
});
manager.on(WebSocketShardEvents.Ready, (_data, shardId) => {
    ready.add(shardId);
    if (ready.size === shards) console.log(`ready ${shards}`);
});
manager.on(WebSocketShardEvents.Error, (error, shardId) => console.error(`shard ${shardId}: ${error.message}`));

let stopping = false;
async function stop() {
    if (stopping) return;
    stopping = true;
    await manager.destroy({ code: 1000 }).catch(() => {});
    await redis.quit().catch(() => {});
    process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

await manager.connect();
