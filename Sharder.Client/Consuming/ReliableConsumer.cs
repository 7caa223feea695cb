using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sharder.Client.Messages;
using StackExchange.Redis;

namespace Sharder.Client.Consuming;

/// <summary>
/// Consumes an event list at least once. <c>BLMOVE list {list}:processing:{consumer} LEFT RIGHT</c> moves each
/// entry atomically from the head of the event list to the tail of this consumer's processing list, so an entry
/// is always in one of the two lists; <see cref="AckAsync(Delivery)"/> (<c>LREM</c>) removes it once handled.
/// The consumer renews a lease key (<c>{list}:lease:{consumer}</c>, TTL <see cref="ReliableConsumerOptions.Lease"/>)
/// every third of the lease; every consumer also runs a <see cref="ProcessingListReaper"/>, which returns the
/// entries of consumers whose lease expired to the head of the event list. Entries that reach this consumer
/// twice are dropped by a bounded <see cref="DedupeWindow"/> keyed by (shard, session, seq) and acknowledged at
/// once; a <c>reidentified</c> or <c>resynced</c> marker resets its shard's window. Repeats across consumers are
/// not seen: handlers should be idempotent.
/// </summary>
/// <remarks>
/// <para>
/// Blocking: StackExchange.Redis multiplexes every caller over one connection, so a BLMOVE there would hold up
/// every other command behind it. This consumer opens a dedicated multiplexer used only for its BLMOVE, with a
/// short block (<see cref="ReliableConsumerOptions.BlockTimeout"/>, 1 s) under that multiplexer's timeout; acks,
/// lease renewals, the reaper and the rest of a batch (LLEN, then pipelined non-blocking LMOVEs) go over the
/// application's shared multiplexer. Chosen over a short-timeout polling loop because an entry wakes the
/// consumer within one round trip instead of after a poll interval, and an idle consumer costs one command per
/// second instead of tens. The usual weakness of a blocking pop on a client that may time out or be cancelled
/// (the popped entry arrives after the caller gave up) does not apply: BLMOVE puts it in the processing list,
/// and after any failed or cancelled read the consumer takes back what is there and not in hand.
/// </para>
/// <para>
/// One <see cref="ReceiveAsync"/> at a time; <see cref="AckAsync(Delivery)"/> may be called from any thread.
/// <see cref="DisposeAsync"/> stops renewing and leaves unacknowledged entries where they are, as a crash would:
/// they return after the lease (or at once if a consumer of the same name starts). Call
/// <see cref="ReleaseAsync"/> first, when every handler has finished, to hand them back at once.
/// </para>
/// </remarks>
public sealed class ReliableConsumer : IAsyncDisposable
{
    private static readonly TimeSpan _retryDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan _blockingTimeoutMargin = TimeSpan.FromSeconds(10);

    private readonly IDatabase _database;
    private readonly ReliableConsumerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ProcessingListReaper _reaper;
    private readonly DedupeWindow? _dedupe;
    private readonly Dictionary<RedisValue, int> _inFlight = [];
    private readonly Lock _inFlightGate = new();
    private readonly Queue<RedisValue> _recovered = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _processing;
    private readonly string _lease;
    private readonly string _blockSeconds;
    private ConnectionMultiplexer? _blocking;
    private Task _heartbeat = Task.CompletedTask;
    private bool _recoverOwnList;
    private long _lastReap;
    private long _duplicates;
    private long _leasesLost;
    private bool _released;
    private bool _disposed;

    private ReliableConsumer(IConnectionMultiplexer redis, ReliableConsumerOptions options, ILogger logger, TimeProvider time)
    {
        _database = redis.GetDatabase();
        _options = options;
        _logger = logger;
        _time = time;
        Keys = new ConsumerKeys(options.List);
        _reaper = new ProcessingListReaper(redis, options.List, logger);
        _dedupe = options.DedupeWindow > 0 ? new DedupeWindow(options.DedupeWindow) : null;
        _processing = Keys.Processing(options.ConsumerName);
        _lease = Keys.Lease(options.ConsumerName);
        _blockSeconds = options.BlockTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        _lastReap = time.GetTimestamp();
    }

    /// <summary>The keys this consumer uses.</summary>
    public ConsumerKeys Keys { get; }

    /// <summary>This consumer's name.</summary>
    public string Name => _options.ConsumerName;

    /// <summary>Entries dropped as duplicates (and acknowledged) so far.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Renewals that found the lease expired (the consumer stalled for a whole lease; others may have its entries).</summary>
    public long LeasesLost => Interlocked.Read(ref _leasesLost);

    /// <summary>Entries handed out and not yet acknowledged.</summary>
    public int InFlight
    {
        get
        {
            lock (_inFlightGate)
            {
                return _inFlight.Values.Sum();
            }
        }
    }

    /// <summary>
    /// Takes the lease, registers the consumer, opens the blocking connection and takes back this consumer's own
    /// unacknowledged entries (from an earlier run under the same name): the first receives return them, marked
    /// <see cref="Delivery.Recovered"/>.
    /// </summary>
    /// <param name="redis">The application's shared multiplexer.</param>
    /// <param name="options">Checked with <see cref="ReliableConsumerOptions.Validate"/>.</param>
    /// <param name="blockingConfiguration">How to open the dedicated blocking connection; by default the shared multiplexer's configuration.</param>
    /// <param name="logger">Where to log; nowhere when null.</param>
    /// <param name="timeProvider">Clock for lease renewals and reaping; the system clock when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<ReliableConsumer> StartAsync(
        IConnectionMultiplexer redis,
        ReliableConsumerOptions options,
        ConfigurationOptions? blockingConfiguration = null,
        ILogger? logger = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var consumer = new ReliableConsumer(redis, options, logger ?? NullLogger.Instance, timeProvider ?? TimeProvider.System);
        try
        {
            await consumer.StartCoreAsync(redis, blockingConfiguration, cancellationToken).ConfigureAwait(false);
            return consumer;
        }
        catch
        {
            await consumer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Waits for entries and returns between 1 and <see cref="ReliableConsumerOptions.MaxBatch"/> of them, oldest
    /// first. Acknowledge each with <see cref="AckAsync(Delivery)"/> once handled.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<IReadOnlyList<Delivery>> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed || _released, this);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await ReapIfDueAsync(cancellationToken).ConfigureAwait(false);
            if (_recoverOwnList)
            {
                await RecoverOwnListAsync().ConfigureAwait(false);
            }

            List<RedisValue> taken;
            bool recovered = _recovered.Count > 0;
            if (recovered)
            {
                taken = [];
                while (taken.Count < _options.MaxBatch && _recovered.TryDequeue(out var value))
                {
                    taken.Add(value);
                }
            }
            else
            {
                RedisValue first;
                try
                {
                    first = await BlockingMoveAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    _recoverOwnList = true; // the BLMOVE may still land an entry in the processing list
                    throw;
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    ConsumerLog.ReadFailed(_logger, Name, Keys.List, ex);
                    _recoverOwnList = true;
                    await Task.Delay(_retryDelay, _time, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (first.IsNull)
                {
                    continue;
                }

                taken = [first];
                await TakeMoreAsync(taken).ConfigureAwait(false);
            }

            var deliveries = await AcceptAsync(taken, recovered).ConfigureAwait(false);
            if (deliveries.Count > 0)
            {
                return deliveries;
            }
        }
    }

    /// <summary>Removes a handled entry from the processing list (<c>LREM</c>).</summary>
    /// <returns>False when it was no longer there (it was released, or reaped after this consumer stalled).</returns>
    public async Task<bool> AckAsync(Delivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        Forget(delivery.Value);
        return await _database.ListRemoveAsync(_processing, delivery.Value, 1).ConfigureAwait(false) == 1;
    }

    /// <summary>Acknowledges several entries in one pipelined round trip.</summary>
    /// <returns>How many were still in the processing list.</returns>
    public async Task<int> AckAsync(IEnumerable<Delivery> deliveries)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        var removals = new List<Task<long>>();
        foreach (var delivery in deliveries)
        {
            Forget(delivery.Value);
            removals.Add(_database.ListRemoveAsync(_processing, delivery.Value, 1));
        }

        var removed = await Task.WhenAll(removals).ConfigureAwait(false);
        return (int)removed.Sum();
    }

    /// <summary>
    /// Receives, hands each entry to <paramref name="handler"/> and acknowledges it when the handler returns,
    /// until <paramref name="cancellationToken"/> is cancelled. A handler's exception ends the loop with the entry
    /// (and the rest of its batch) unacknowledged: it comes back after a restart or through the reaper.
    /// </summary>
    public async Task RunAsync(Func<Delivery, CancellationToken, ValueTask> handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        while (!cancellationToken.IsCancellationRequested)
        {
            IReadOnlyList<Delivery> batch;
            try
            {
                batch = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            foreach (var delivery in batch)
            {
                await handler(delivery, cancellationToken).ConfigureAwait(false);
                await AckAsync(delivery).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A graceful stop: returns every unacknowledged entry to the head of the event list (in order), drops the
    /// lease and the registration. Call it after every handler finished; the consumer cannot receive afterwards.
    /// </summary>
    /// <returns>How many entries went back.</returns>
    public async Task<long> ReleaseAsync()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _released = true;
        await StopHeartbeatAsync().ConfigureAwait(false);
        long moved = 0;
        while (!(await _database.ListMoveAsync(_processing, Keys.List, ListSide.Right, ListSide.Left).ConfigureAwait(false)).IsNull)
        {
            moved++;
        }

        lock (_inFlightGate)
        {
            _inFlight.Clear();
            _recovered.Clear(); // they were in the processing list: moved back with the rest
        }

        await _database.KeyDeleteAsync(_lease).ConfigureAwait(false);
        await _database.SetRemoveAsync(Keys.Consumers, Name).ConfigureAwait(false);
        ConsumerLog.Released(_logger, Name, Keys.List, moved);
        return moved;
    }

    /// <summary>
    /// Stops renewing the lease and closes the blocking connection. Unacknowledged entries stay in the processing
    /// list, as after a crash (see <see cref="ReleaseAsync"/>).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await StopHeartbeatAsync().ConfigureAwait(false);
        if (_blocking is not null)
        {
            await _blocking.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task StartCoreAsync(IConnectionMultiplexer redis, ConfigurationOptions? blockingConfiguration, CancellationToken cancellationToken)
    {
        await _database.StringSetAsync(_lease, Name, _options.Lease).ConfigureAwait(false);
        await _database.SetAddAsync(Keys.Consumers, Name).ConfigureAwait(false);

        var configuration = (blockingConfiguration ?? ConfigurationOptions.Parse(redis.Configuration)).Clone();
        int timeout = (int)(_options.BlockTimeout + _blockingTimeoutMargin).TotalMilliseconds;
        configuration.AsyncTimeout = Math.Max(configuration.AsyncTimeout, timeout);
        configuration.SyncTimeout = Math.Max(configuration.SyncTimeout, timeout);
        configuration.AbortOnConnectFail = false;
        configuration.ClientName = $"sharder-consumer-{Name}";
        _blocking = await ConnectionMultiplexer.ConnectAsync(configuration).WaitAsync(cancellationToken).ConfigureAwait(false);

        foreach (var value in await _database.ListRangeAsync(_processing).ConfigureAwait(false))
        {
            _recovered.Enqueue(value);
        }

        ConsumerLog.Started(_logger, Name, Keys.List, _recovered.Count);
        _heartbeat = RenewLeaseAsync(_stopping.Token);
    }

    private async Task<RedisValue> BlockingMoveAsync(CancellationToken cancellationToken)
    {
        var database = _blocking!.GetDatabase();
        var result = await database
            .ExecuteAsync("BLMOVE", (RedisKey)Keys.List, (RedisKey)_processing, "LEFT", "RIGHT", _blockSeconds)
            .WaitAsync(cancellationToken)
            .ConfigureAwait(false);
        return result.IsNull ? RedisValue.Null : (RedisValue)result;
    }

    /// <summary>Fills the batch with what is waiting, without blocking: LLEN, then that many LMOVEs pipelined.</summary>
    private async Task TakeMoreAsync(List<RedisValue> taken)
    {
        if (_options.MaxBatch == 1)
        {
            return;
        }

        long waiting = await _database.ListLengthAsync(Keys.List).ConfigureAwait(false);
        int more = (int)Math.Min(waiting, _options.MaxBatch - 1);
        if (more == 0)
        {
            return;
        }

        var moves = new Task<RedisValue>[more];
        for (int i = 0; i < more; i++)
        {
            moves[i] = _database.ListMoveAsync(Keys.List, _processing, ListSide.Left, ListSide.Right);
        }

        foreach (var value in await Task.WhenAll(moves).ConfigureAwait(false))
        {
            if (!value.IsNull)
            {
                taken.Add(value);
            }
        }
    }

    private async Task<List<Delivery>> AcceptAsync(List<RedisValue> taken, bool recovered)
    {
        var deliveries = new List<Delivery>(taken.Count);
        List<RedisValue>? duplicates = null;
        foreach (var value in taken)
        {
            var delivery = new Delivery(value, _options.Format, recovered);
            if (_dedupe is not null)
            {
                if (delivery.Message is SharderEvent evt && !_dedupe.TryAdd(evt.Shard, evt.Session, evt.Sequence))
                {
                    (duplicates ??= []).Add(value);
                    continue;
                }

                if (delivery.Message is ReidentifiedMarker { Shard: { } reidentified })
                {
                    _dedupe.Reset(reidentified);
                }
                else if (delivery.Message is ResyncedMarker { Shard: { } resynced })
                {
                    _dedupe.Reset(resynced);
                }
            }

            lock (_inFlightGate)
            {
                _inFlight[value] = _inFlight.GetValueOrDefault(value) + 1;
            }

            deliveries.Add(delivery);
        }

        if (duplicates is not null)
        {
            Interlocked.Add(ref _duplicates, duplicates.Count);
            await Task.WhenAll(duplicates.Select(value => _database.ListRemoveAsync(_processing, value, 1))).ConfigureAwait(false);
        }

        return deliveries;
    }

    /// <summary>After an interrupted read: whatever is in the processing list and not in hand was never handed out.</summary>
    private async Task RecoverOwnListAsync()
    {
        var present = await _database.ListRangeAsync(_processing).ConfigureAwait(false);
        _recoverOwnList = false;
        lock (_inFlightGate)
        {
            var inHand = new Dictionary<RedisValue, int>(_inFlight);
            var queued = _recovered.ToList();
            foreach (var value in queued)
            {
                inHand[value] = inHand.GetValueOrDefault(value) + 1;
            }

            foreach (var value in present)
            {
                if (inHand.TryGetValue(value, out int count) && count > 0)
                {
                    inHand[value] = count - 1;
                    continue;
                }

                _recovered.Enqueue(value);
            }
        }
    }

    private async Task ReapIfDueAsync(CancellationToken cancellationToken)
    {
        if (_time.GetElapsedTime(_lastReap) < _options.ReapInterval)
        {
            return;
        }

        _lastReap = _time.GetTimestamp();
        try
        {
            await _reaper.ReapAsync(Name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            ConsumerLog.ReapFailed(_logger, Keys.List, ex);
        }
    }

    private void Forget(RedisValue value)
    {
        lock (_inFlightGate)
        {
            if (_inFlight.TryGetValue(value, out int count))
            {
                if (count <= 1)
                {
                    _inFlight.Remove(value);
                }
                else
                {
                    _inFlight[value] = count - 1;
                }
            }
        }
    }

    private async Task RenewLeaseAsync(CancellationToken stopping)
    {
        var interval = _options.Lease / 3;
        while (true)
        {
            try
            {
                await Task.Delay(interval, _time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                if (!await _database.StringSetAsync(_lease, Name, _options.Lease, When.Exists).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref _leasesLost);
                    ConsumerLog.LeaseLost(_logger, Name, Keys.List);
                    await _database.StringSetAsync(_lease, Name, _options.Lease).ConfigureAwait(false);
                }

                // The reaper unregisters consumers it finds dead: a consumer that comes back registers again.
                await _database.SetAddAsync(Keys.Consumers, Name).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                ConsumerLog.HeartbeatFailed(_logger, Name, Keys.List, ex);
            }
        }
    }

    private async Task StopHeartbeatAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        await _heartbeat.ConfigureAwait(false);
    }
}
