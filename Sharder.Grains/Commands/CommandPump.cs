using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Sharder.Grains.Diagnostics;

namespace Sharder.Grains.Commands;

/// <summary>
/// Moves worker commands from Redis to the shards hosted in this process over ONE dedicated connection:
/// <c>BLPOP {prefix}:to:{shard}… {prefix}:commands timeout</c> over the lists of the hosted shards plus the
/// guild-routed list. Every command is untrusted: it must pass the <see cref="CommandValidator"/>, or it goes
/// to <c>{prefix}:commands:dead</c> with its reason (never sent, never retried). A valid one is handed to its
/// shard's outbound queue without waiting (<see cref="CommandEnqueueResult"/>); one its shard cannot take now
/// (queue full, stopping) goes back to the head of its list and only that shard's list is paused for
/// <see cref="CommandPumpOptions.RedeliveryDelay"/>. A guild-routed command for a shard hosted elsewhere is
/// moved to that shard's list. When the hosted shards change, a second connection sends CLIENT UNBLOCK so
/// BLPOP is re-issued at once; BLPOP's own short timeout is the fallback. The connection is re-opened with
/// exponential backoff while Redis is down.
/// </summary>
/// <remarks>
/// A command popped by BLPOP whose reply is lost with the connection, or held in memory when the process
/// dies, is lost (BLPOP cannot move elements from several lists atomically).
/// </remarks>
internal sealed partial class CommandPump : IAsyncDisposable
{
    private static readonly TimeSpan _unblockRetryDelay = TimeSpan.FromMilliseconds(5);

    private readonly RespEndpoint _endpoint;
    private readonly CommandPumpOptions _options;
    private readonly CommandKeys _keys;
    private readonly Func<int, ReadOnlyMemory<byte>, CommandEnqueueResult> _enqueue;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SharderInstruments? _instruments;
    private readonly RejectionLogLimiter _logLimiter;

    // Writes asked for by shards (unsent commands to put back or dead-letter); the pump loop performs them.
    private readonly ConcurrentQueue<PendingWrite> _externalWrites = new();

    private readonly Lock _gate = new();
    private readonly Dictionary<int, ReadOnlyMemory<byte>> _hostedKeys = [];
    private readonly Dictionary<int, long> _suspendedUntil = [];
    private int _shardCount;
    private long _version;

    private readonly Channel<bool> _hostedChanged = CreateSignal();
    private readonly Channel<bool> _unblockRequested = CreateSignal();

    // Set while a BLPOP is in flight: which hosted-shards version it waits on, and on which client.
    private volatile ListeningState? _listening;
    private CancellationTokenSource? _stopping;
    private Task? _pumpTask;
    private Task? _unblockTask;
    private Task? _sweepTask;
    private Task? _stopped;

    /// <param name="endpoint">The Redis server, usually <see cref="RespEndpoint.FromConfiguration"/> of the shared multiplexer's configuration.</param>
    /// <param name="enqueue">Hands a validated command to a hosted shard's outbound queue; must not block.</param>
    /// <param name="instruments">Counts accepted, rejected and dead-lettered commands; none in tests that do not look.</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> is invalid (see <see cref="CommandPumpOptionsValidator"/>).</exception>
    public CommandPump(
        RespEndpoint endpoint,
        CommandPumpOptions options,
        Func<int, ReadOnlyMemory<byte>, CommandEnqueueResult> enqueue,
        TimeProvider timeProvider,
        ILogger<CommandPump> logger,
        SharderInstruments? instruments = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(enqueue);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        var validation = new CommandPumpOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        _endpoint = endpoint;
        _options = options;
        _keys = new CommandKeys(options.KeyPrefix);
        _enqueue = enqueue;
        _timeProvider = timeProvider;
        _logger = logger;
        _instruments = instruments;
        _logLimiter = new RejectionLogLimiter(timeProvider);
        Validator = new CommandValidator(options.EffectiveAllowedOps);
    }

    /// <summary>The rules every command passes before it reaches a shard.</summary>
    internal CommandValidator Validator { get; }

    /// <summary>The dead-letter list, <c>{prefix}:commands:dead</c>.</summary>
    public string DeadLetterKey => _keys.DeadLetters;

    /// <summary>The shards whose commands this process currently takes.</summary>
    public IReadOnlyCollection<int> HostedShards
    {
        get
        {
            lock (_gate)
            {
                return [.. _hostedKeys.Keys.Order()];
            }
        }
    }

    /// <summary>Increments on every change of the hosted shards.</summary>
    internal long HostedVersion => Interlocked.Read(ref _version);

    /// <summary>The <see cref="HostedVersion"/> the BLPOP in flight was issued for; -1 when none is.</summary>
    internal long ListeningVersion => _listening?.Version ?? -1;

    /// <summary>Starts pumping in the background.</summary>
    public void Start()
    {
        if (_stopping is not null || _stopped is not null)
        {
            throw new InvalidOperationException("The command pump was already started.");
        }

        _stopping = new CancellationTokenSource();
        var stopping = _stopping.Token;
        _pumpTask = Task.Run(() => PumpAsync(stopping), CancellationToken.None);
        _unblockTask = Task.Run(() => UnblockAsync(stopping), CancellationToken.None);
        _sweepTask = Task.Run(() => SweepAsync(stopping), CancellationToken.None);
    }

    /// <summary>
    /// Stops pumping. A command being delivered is cancelled and put back into Redis; if Redis is down, the
    /// pump tries once more over a fresh connection and logs what it could not put back.
    /// </summary>
    public Task StopAsync()
    {
        lock (_gate)
        {
            return _stopped ??= StopOnceAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping?.Dispose();
    }

    private async Task StopOnceAsync()
    {
        if (_stopping is null || _pumpTask is null || _unblockTask is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_pumpTask, _unblockTask, _sweepTask ?? Task.CompletedTask).ConfigureAwait(false);
        await FlushPendingWritesOnStopAsync().ConfigureAwait(false);
    }

    /// <summary>Starts taking commands for <paramref name="shardId"/> (idempotent).</summary>
    /// <param name="shardCount">The bot's shard count, for routing guild commands.</param>
    public void Host(int shardId, int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(shardId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shardId, shardCount);
        lock (_gate)
        {
            bool added = _hostedKeys.TryAdd(shardId, Encoding.UTF8.GetBytes(_keys.ForShard(shardId)));
            bool resumed = _suspendedUntil.Remove(shardId);
            bool recounted = _shardCount != shardCount;
            _shardCount = shardCount;
            if (!added && !resumed && !recounted)
            {
                return;
            }

            _version++;
        }

        CommandPumpLog.ShardHosted(_logger, shardId, shardCount);
        OnHostedShardsChanged();
    }

    /// <summary>Stops taking commands for <paramref name="shardId"/> (idempotent); they stay in its list for the next host.</summary>
    public void Release(int shardId)
    {
        lock (_gate)
        {
            if (!_hostedKeys.Remove(shardId))
            {
                return;
            }

            _suspendedUntil.Remove(shardId);
            _version++;
        }

        CommandPumpLog.ShardReleased(_logger, shardId);
        OnHostedShardsChanged();
    }

    /// <summary>
    /// Puts commands a shard queued but never sent (it stopped to move) back at the head of its list, oldest
    /// first, so its next host sends them before anything pushed later. Completes true once written, false if
    /// the pump stopped without writing them.
    /// </summary>
    public Task<bool> ReturnUnsentAsync(int shardId, IReadOnlyList<ReadOnlyMemory<byte>> payloads)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        if (payloads.Count == 0)
        {
            return Task.FromResult(true);
        }

        var command = new ReadOnlyMemory<byte>[payloads.Count + 2];
        command[0] = _lpush;
        command[1] = Encoding.UTF8.GetBytes(_keys.ForShard(shardId));
        for (int i = 0; i < payloads.Count; i++)
        {
            // LPUSH puts each value at the head in turn: the last argument ends up first.
            command[^(i + 1)] = payloads[i];
        }

        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        EnqueueExternal([new PendingWrite(command, done)]);
        CommandPumpLog.UnsentCommandsReturned(_logger, payloads.Count, shardId);
        return done.Task;
    }

    /// <summary>Dead-letters commands a shard queued but can never send (it closed fatally).</summary>
    public Task<bool> DeadLetterUnsentAsync(int shardId, IReadOnlyList<ReadOnlyMemory<byte>> payloads, CommandRejectReason reason, string detail)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        if (payloads.Count == 0)
        {
            return Task.FromResult(true);
        }

        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        EnqueueExternal(DeadLetterWrites(reason, detail, _keys.ForShard(shardId), shardId, payloads, done));
        return done.Task;
    }

    private void EnqueueExternal(IEnumerable<PendingWrite> writes)
    {
        foreach (var write in writes)
        {
            _externalWrites.Enqueue(write);
        }

        lock (_gate)
        {
            // Wakes the BLPOP in flight (as a change of hosted shards does) so the writes happen now.
            _version++;
        }

        OnHostedShardsChanged();
    }

    private static Channel<bool> CreateSignal()
        => Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private void OnHostedShardsChanged()
    {
        _hostedChanged.Writer.TryWrite(true);
        _unblockRequested.Writer.TryWrite(true);
    }

    /// <summary>
    /// Wakes a BLPOP that waits on an outdated set of lists with CLIENT UNBLOCK from a second connection.
    /// If BLPOP has not reached the server yet, UNBLOCK finds nothing; it is then retried shortly.
    /// </summary>
    private async Task UnblockAsync(CancellationToken stopping)
    {
        RespConnection? control = null;
        try
        {
            while (await _unblockRequested.Reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                _unblockRequested.Reader.TryRead(out _);
                while (_listening is { } listening && listening.Version < HostedVersion)
                {
                    try
                    {
                        control ??= await RespConnection.ConnectAsync(_endpoint, _options.ConnectTimeout, _timeProvider, stopping)
                            .ConfigureAwait(false);
                        string[] unblock = ["CLIENT", "UNBLOCK", listening.ClientId.ToString(CultureInfo.InvariantCulture)];
                        var reply = (await control.ExecuteAsync(unblock, _options.ResponseTimeout, stopping).ConfigureAwait(false))
                            .ThrowIfError();
                        if (reply.Integer == 1)
                        {
                            break;
                        }
                    }
                    catch (Exception exception) when (!stopping.IsCancellationRequested)
                    {
                        CommandPumpLog.UnblockFailed(_logger, _options.BlockTimeout, exception);
                        control?.Dispose();
                        control = null;
                        break;
                    }

                    await Task.Delay(_unblockRetryDelay, _timeProvider, stopping).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            control?.Dispose();
        }
    }

    private sealed record ListeningState(long Version, long ClientId);
}
