using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Sharder.Grains.Commands;

/// <summary>
/// Moves worker commands from Redis to the shards hosted in this process over ONE dedicated connection:
/// <c>BLPOP {prefix}:to:{shard}… {prefix}:commands timeout</c> over the lists of the hosted shards plus the
/// guild-routed list. A popped command is handed to the delivery delegate; one the shard does not take
/// goes back to the head of its shard's list (LPUSH), and a guild-routed command for a shard hosted
/// elsewhere is moved to that shard's list. When the hosted shards change, a second connection sends
/// CLIENT UNBLOCK so BLPOP is re-issued at once; BLPOP's own short timeout is the fallback. The connection
/// is re-opened with exponential backoff while Redis is down.
/// </summary>
/// <remarks>
/// Delivery is sequential: the delegate should hand the payload to the shard's send queue and return,
/// not wait for the gateway. A command popped by BLPOP whose reply is lost with the connection, or held
/// in memory when the process dies, is lost (BLPOP cannot move elements from several lists atomically).
/// </remarks>
internal sealed partial class CommandPump : IAsyncDisposable
{
    private static readonly TimeSpan _unblockRetryDelay = TimeSpan.FromMilliseconds(5);

    private readonly RespEndpoint _endpoint;
    private readonly CommandPumpOptions _options;
    private readonly CommandKeys _keys;
    private readonly Func<int, ReadOnlyMemory<byte>, CancellationToken, ValueTask> _deliver;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

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
    private Task? _stopped;

    /// <param name="endpoint">The Redis server, usually <see cref="RespEndpoint.FromConfiguration"/> of the shared multiplexer's configuration.</param>
    /// <param name="deliver">Hands a command payload to a hosted shard; throwing means "not delivered".</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> is invalid (see <see cref="CommandPumpOptionsValidator"/>).</exception>
    public CommandPump(
        RespEndpoint endpoint,
        CommandPumpOptions options,
        Func<int, ReadOnlyMemory<byte>, CancellationToken, ValueTask> deliver,
        TimeProvider timeProvider,
        ILogger<CommandPump> logger)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(deliver);
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
        _deliver = deliver;
        _timeProvider = timeProvider;
        _logger = logger;
    }

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
        await Task.WhenAll(_pumpTask, _unblockTask).ConfigureAwait(false);
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
