using StackExchange.Redis;

namespace Sharder.Grains.Sink;

/// <summary>KEYS and ARGV of one script call, as laid out in <see cref="RedisScripts"/>.</summary>
/// <param name="Payloads">The pooled bytes that ARGV slices, when any: returned once Redis answered the call.</param>
internal readonly record struct ScriptArguments(RedisKey[] Keys, RedisValue[] Values, PooledBatchBuffer? Payloads = null);
