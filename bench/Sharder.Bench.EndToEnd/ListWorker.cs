using System.Globalization;
using System.Text.Json;
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

    private readonly ConnectionMultiplexer _redis;
    private readonly RedisKey _key;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<long, DateTimeOffset> _popped = [];
    private readonly Lock _gate = new();
    private readonly Task _loop;
    private long _entries;
    private long _bytes;

    // The uids a phase waits for that have not been popped yet, and the signal once none is left.
    private HashSet<long>? _awaited;
    private TaskCompletionSource? _allPopped;

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

    /// <summary>
    /// Completes once every one of <paramref name="uids"/> has been popped: signalled by the pop itself, so a phase
    /// ends when its last event arrives, not at the next poll. One wait at a time; a new call replaces the last.
    /// </summary>
    public Task WhenPoppedAsync(IEnumerable<long> uids)
    {
        lock (_gate)
        {
            var pending = new HashSet<long>();
            foreach (var uid in uids)
            {
                if (!_popped.ContainsKey(uid)) pending.Add(uid);
            }

            _allPopped?.TrySetCanceled();
            if (pending.Count == 0)
            {
                _awaited = null;
                _allPopped = null;
                return Task.CompletedTask;
            }

            _awaited = pending;
            _allPopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _allPopped.Task;
        }
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
                if (TryReadUid(bytes, out var uid) && _popped.TryAdd(uid, at) && _awaited is not null && _awaited.Remove(uid) && _awaited.Count == 0)
                {
                    _allPopped!.TrySetResult();
                    _awaited = null;
                    _allPopped = null;
                }
            }
        }
    }

    // Every tracked event is a MESSAGE_CREATE whose id is the simulator's uid (SimEventUid). The id is read as
    // the string it is; the numeric "x_sim_uid" cannot be used for the peer, whose JSON.parse rounds it to a double.
    private static bool TryReadUid(byte[] entry, out long uid)
    {
        uid = 0;
        try
        {
            using var json = JsonDocument.Parse(entry);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("d"u8, out var d) && d.ValueKind == JsonValueKind.Object
                && d.TryGetProperty("id"u8, out var id) && id.ValueKind == JsonValueKind.String
                && long.TryParse(id.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out uid);
        }
        catch (JsonException)
        {
            return false;
        }
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
