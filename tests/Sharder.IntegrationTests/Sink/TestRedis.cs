using System.Globalization;
using StackExchange.Redis;

namespace Sharder.IntegrationTests.Sink;

/// <summary>Multiplexers and key prefixes for the Redis output tests.</summary>
internal static class TestRedis
{
    private static int _prefixCounter;

    /// <summary>A key prefix no other test uses, so tests sharing one server never see each other's keys.</summary>
    public static string UniquePrefix(string name)
        => string.Create(CultureInfo.InvariantCulture, $"{name}{Interlocked.Increment(ref _prefixCounter)}-{Environment.ProcessId}");

    /// <summary>
    /// A multiplexer that notices an outage and reconnects within milliseconds and gives up on a command
    /// after one second, so outage tests stay short.
    /// </summary>
    public static async Task<ConnectionMultiplexer> ConnectAsync(string connectionString, bool allowAdmin = false)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AllowAdmin = allowAdmin;
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 1_000;
        options.AsyncTimeout = 1_000;
        options.SyncTimeout = 1_000;
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
        options.ReconnectRetryPolicy = new LinearRetry(50);
        return await ConnectionMultiplexer.ConnectAsync(options);
    }
}
