using System.Globalization;
using StackExchange.Redis;

namespace Sharder.Client.Consuming;

/// <summary>
/// The plain way: <c>BLPOP</c> one entry at a time. At most once: an entry is gone from Redis the moment it is
/// popped, so a worker that dies (or whose read times out) while holding it loses it. Fine for dashboards, logs
/// and anything a lost event does not hurt; use <see cref="ReliableConsumer"/> otherwise. Like the reliable
/// consumer it blocks on a dedicated multiplexer of its own (a BLPOP on the shared one would hold up every other
/// command) with a short block. One <see cref="ReceiveAsync"/> at a time.
/// </summary>
public sealed class SimpleConsumer : IAsyncDisposable
{
    private static readonly TimeSpan _blockingTimeoutMargin = TimeSpan.FromSeconds(10);

    private readonly ConnectionMultiplexer _blocking;
    private readonly RedisKey[] _lists;
    private readonly string _blockSeconds;
    private readonly EntryFormat _format;

    private SimpleConsumer(ConnectionMultiplexer blocking, RedisKey[] lists, TimeSpan blockTimeout, EntryFormat format)
    {
        _blocking = blocking;
        _lists = lists;
        _blockSeconds = blockTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        _format = format;
    }

    /// <summary>Opens the consumer's own connection.</summary>
    /// <param name="configuration">How to reach Redis (e.g. <c>ConfigurationOptions.Parse("127.0.0.1:6379")</c>).</param>
    /// <param name="lists">The lists to pop, in priority order (BLPOP takes from the first non-empty one).</param>
    /// <param name="blockTimeout">How long one BLPOP waits (default 1 s).</param>
    /// <param name="format">What the entries are.</param>
    public static async Task<SimpleConsumer> ConnectAsync(
        ConfigurationOptions configuration, IReadOnlyList<string> lists, TimeSpan? blockTimeout = null, EntryFormat format = EntryFormat.Envelope)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(lists);
        if (lists.Count == 0 || lists.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Name at least one list, none empty.", nameof(lists));
        }

        var block = blockTimeout ?? TimeSpan.FromSeconds(1);
        if (block < TimeSpan.FromMilliseconds(10) || block > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(blockTimeout), block, "The block timeout must be between 10 ms and 1 minute.");
        }

        var dedicated = configuration.Clone();
        int timeout = (int)(block + _blockingTimeoutMargin).TotalMilliseconds;
        dedicated.AsyncTimeout = Math.Max(dedicated.AsyncTimeout, timeout);
        dedicated.SyncTimeout = Math.Max(dedicated.SyncTimeout, timeout);
        dedicated.AbortOnConnectFail = false;
        var blocking = await ConnectionMultiplexer.ConnectAsync(dedicated).ConfigureAwait(false);
        return new SimpleConsumer(blocking, [.. lists.Select(list => (RedisKey)list)], block, format);
    }

    /// <summary>Waits up to the block timeout for one entry; null when none came.</summary>
    public async Task<Delivery?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        var arguments = new object[_lists.Length + 1];
        Array.Copy(_lists, arguments, _lists.Length);
        arguments[^1] = _blockSeconds;
        var result = await _blocking.GetDatabase().ExecuteAsync("BLPOP", arguments).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsNull)
        {
            return null;
        }

        // BLPOP answers [list, value].
        var pair = (RedisValue[])result!;
        return new Delivery(pair[1], _format, recovered: false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await _blocking.DisposeAsync().ConfigureAwait(false);
}
