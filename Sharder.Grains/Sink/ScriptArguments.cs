using StackExchange.Redis;

namespace Sharder.Grains.Sink;

/// <summary>KEYS and ARGV of one script call, as laid out in <see cref="RedisScripts"/>.</summary>
internal readonly record struct ScriptArguments(RedisKey[] Keys, RedisValue[] Values);
