using StackExchange.Redis;

namespace Sharder.Grains.Sink;

/// <summary>Tells "Redis is unreachable or busy, retry" apart from errors a retry cannot fix.</summary>
internal static class RedisFailures
{
    // Replies a server sends while it cannot serve writes for now: loading its data, a replica, no
    // primary reachable, or a long-running script.
    private static readonly string[] _transientReplies = ["LOADING", "READONLY", "MASTERDOWN", "BUSY", "TRYAGAIN", "CLUSTERDOWN"];

    public static bool IsUnavailable(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException => true,
        RedisServerException server => _transientReplies.Any(reply => server.Message.StartsWith(reply, StringComparison.Ordinal)),
        _ => false,
    };
}
