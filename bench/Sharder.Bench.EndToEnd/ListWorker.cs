using System.Buffers.Text;
using StackExchange.Redis;

namespace Sharder.Bench.EndToEnd;

/// <summary>
/// The worker of the benchmark: pops one output list and notes, per simulator event uid, when it was popped.
/// It waits with BLPOP and, after each wake-up, drains what is already queued with LPOP count 1000, as a
/// real worker would; the time noted is when the reply arrived. Its own connection, so BLPOP blocks nobody.
/// </summary>
internal sealed class ListWorker : IAsyncDisposable
{
    private const int DrainCount = 1_000;
    private static readonly byte[] s_uidProperty = "\"x_sim_uid\":"u8.ToArray();

    private readonly ConnectionMultiplexer _redis;
    private readonly RedisKey _key;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<long, DateTimeOffset> _popped = [];
    private readonly Lock _gate = new();
    private readonly Task _loop;
    private long _entries;
    private long _bytes;

    private ListWorker(ConnectionMultiplexer redis, string key)
    {
        _redis = redis;
        _key = key;
        _loop = Task.Run(RunAsync);
    }

    public static async Task<ListWorker> StartAsync(string redisAddress, string key) =>
        new(await ConnectionMultiplexer.ConnectAsync(redisAddress + ",abortConnect=false,syncTimeout=10000,asyncTimeout=10000"), key);

    /// <summary>Entries popped and their total size, every entry (lifecycle markers and READY included).</summary>
    public (long Entries, long Bytes) Totals
    {
        get
        {
            lock (_gate) return (_entries, _bytes);
        }
    }

    /// <summary>How many of <paramref name="uids"/> were popped, and the last pop time among them.</summary>
    public (int Count, DateTimeOffset Last) Progress(IReadOnlyList<long> uids)
    {
        int count = 0;
        var last = DateTimeOffset.MinValue;
        lock (_gate)
        {
            foreach (var uid in uids)
            {
                if (_popped.TryGetValue(uid, out var at))
                {
                    count++;
                    if (at > last) last = at;
                }
            }
        }

        return (count, last);
    }

    public bool TryGetPopTime(long uid, out DateTimeOffset at)
    {
        lock (_gate) return _popped.TryGetValue(uid, out at);
    }

    private async Task RunAsync()
    {
        var db = _redis.GetDatabase();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var first = await db.ExecuteAsync("BLPOP", _key, 0.2);
                if (first.IsNull) continue;
                Record([(RedisValue)((RedisResult[])first!)[1]], DateTimeOffset.UtcNow);
                while (!_stop.IsCancellationRequested)
                {
                    var batch = await db.ListLeftPopAsync(_key, DrainCount);
                    if (batch is null || batch.Length == 0) break;
                    Record(batch, DateTimeOffset.UtcNow);
                }
            }
            catch (RedisException) when (!_stop.IsCancellationRequested)
            {
                await Task.Delay(100);
            }
            catch (TimeoutException) when (!_stop.IsCancellationRequested)
            {
                await Task.Delay(100);
            }
        }
    }

    private void Record(RedisValue[] values, DateTimeOffset at)
    {
        lock (_gate)
        {
            foreach (var value in values)
            {
                var bytes = (byte[])value!;
                _entries++;
                _bytes += bytes.Length;
                if (TryReadUid(bytes, out var uid)) _popped.TryAdd(uid, at);
            }
        }
    }

    // Both shapes carry the simulator's uid as the first property of d: "x_sim_uid":123 (SimEventUid).
    private static bool TryReadUid(ReadOnlySpan<byte> entry, out long uid)
    {
        uid = 0;
        int at = entry.IndexOf(s_uidProperty);
        return at >= 0 && Utf8Parser.TryParse(entry[(at + s_uidProperty.Length)..], out uid, out _);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (RedisException)
        {
        }

        await _redis.DisposeAsync();
        _stop.Dispose();
    }
}
