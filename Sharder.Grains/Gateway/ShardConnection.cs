using Microsoft.Extensions.Logging;
using Sharder.Grains.Diagnostics;
using Sharder.Grains.Gateway.Compression;
using Sharder.Grains.Gateway.Protocol;
using Sharder.Grains.Gateway.RateLimiting;
using Sharder.Grains.Gateway.Transport;
using Sharder.Grains.Interfaces.Models;
using Sharder.Grains.Sink;

namespace Sharder.Grains.Gateway;

/// <summary>
/// Owns one shard's gateway connection for its whole life: connects, identifies (through the identify
/// gate) or resumes, heartbeats, hands dispatches to the sink with back-pressure, sends commands within
/// the rate limit, and reconnects as <see cref="CloseCodePolicy.Decide"/> says until it is stopped or
/// closed fatally. Contains no Orleans types: the grain owns one and reports its state.
/// </summary>
/// <remarks>
/// <para>One state machine (<see cref="GatewayState"/>) and one run loop: plan the connection (resume on
/// the resume URL, or identify on the bootstrap URL), run it inside a <see cref="ConnectionScope"/> until
/// <see cref="ConnectionScope.Disconnect"/> ends it, then decide the next step from the one
/// <see cref="DisconnectReason"/>. Every deliberate close goes through that policy too: op 7, op 9
/// resumable, zombie, corrupt data and a stalled sink close with 4000 (resume); op 9 not resumable closes
/// with 1000 (new session).</para>
/// <para>Sequence numbers: heartbeats carry the last sequence received; a Resume (and
/// <see cref="ExportSession"/>) carries the last sequence the sink accepted, so events buffered but not
/// delivered when a connection ends are replayed by Discord rather than lost.</para>
/// <para>Heartbeat policy: see <see cref="HeartbeatMonitor"/> (an ACK is required; other traffic does not count).</para>
/// <para>State lives in parts that each own theirs: the <see cref="SessionLedger"/> (the session, what was
/// received and delivered of it), the <see cref="CommandQueue"/> (commands toward Discord), the
/// <see cref="ConnectionCounters"/> (the status figures), the <see cref="ShardDelivery"/> (sink buffer to sink, with
/// retries) and per connection the <see cref="ConnectionScope"/> (socket, sink buffer, heartbeat). This class keeps
/// only the state machine and the run.</para>
/// </remarks>
internal sealed partial class ShardConnection : IAsyncDisposable
{
    /// <summary>Failed attempts to reach a session's resume URL before resuming through the bootstrap URL.</summary>
    internal const int ResumeUrlFailureLimit = 3;

    /// <summary>Commands waiting to be sent; <see cref="SendAsync"/> waits when the queue is full.</summary>
    internal const int OutboundQueueLimit = 256;

    /// <summary>A close code that keeps the session (twilight's choice; anything but 1000/1001 works).</summary>
    internal const int ResumableCloseCode = 4000;

    /// <summary>The close code that ends the session.</summary>
    internal const int NormalCloseCode = 1000;

    /// <summary>How long the gateway may take to answer our close frame before the socket is aborted.</summary>
    internal static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    private readonly BotToken _token;
    private readonly GatewayOptions _options;
    private readonly ReadOnlyMemory<byte> _identifyPresence;
    private readonly IGatewayTransportFactory _transports;
    private readonly IIdentifyGate _identifyGate;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Random _random;
    private readonly IGatewayMetrics? _metrics;
    private readonly IGatewayDecompressor _decompressor;
    private readonly ReconnectBackoff _backoff;
    private readonly SessionLedger _ledger;
    private readonly ShardDelivery _delivery;
    private readonly ConnectionCounters _counters = new();
    private readonly CommandQueue _commands = new(OutboundQueueLimit);
    private readonly CancellationTokenSource _stopSignal = new();
    private readonly CancellationTokenSource _hardStop = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // The shard's state machine and its run, guarded by _lock: a stop sees the current connection, or the
    // connection sees the stop. The parts above own their state and locks; none calls back into this one.
    private readonly Lock _lock = new();
    private GatewayState _state = GatewayState.Disconnected;
    private DateTimeOffset _stateSince;
    private GatewayFatalCloseException? _fatalError;
    private ConnectionScope? _currentScope;
    private ShardStopMode? _stopMode;
    private Task? _runTask;
    private bool _disposed;

    // Only the run loop touches it: the wait decided by OnConnectionEndedForIdentify.
    private TimeSpan _pendingIdentifyBackoff;

    // Only the run loop touches it: a permit a connection ended holding (no socket, no Hello, or stopped
    // before its slot); handed back to the gate as missed when the next permit is asked for.
    private IdentifyPermit? _unusedPermit;

    /// <param name="shardId">Zero-based shard id.</param>
    /// <param name="shardCount">Total shards of the bot.</param>
    /// <param name="token">The bot token; sent only in Identify and Resume.</param>
    /// <param name="options">Validated gateway settings.</param>
    /// <param name="transports">Creates one transport per connection attempt.</param>
    /// <param name="identifyGate">Shared by all shards of the bot; asked before every Identify.</param>
    /// <param name="sink">Receives the shard's events, in order.</param>
    /// <param name="timeProvider">Every timer, timeout and delay goes through it.</param>
    /// <param name="logger">Gets <see cref="GatewayLog"/> messages.</param>
    /// <param name="session">A session exported by an earlier connection (possibly in another process) to resume.</param>
    /// <param name="random">Jitter source; must be safe to use from several threads. <see cref="Random.Shared"/> by default.</param>
    /// <param name="metrics">Receives identify failures; none by default.</param>
    public ShardConnection(
        int shardId,
        int shardCount,
        BotToken token,
        GatewayOptions options,
        IGatewayTransportFactory transports,
        IIdentifyGate identifyGate,
        IDispatchSink sink,
        TimeProvider timeProvider,
        ILogger logger,
        ShardSession? session = null,
        Random? random = null,
        IGatewayMetrics? metrics = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shardId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(shardCount, shardId);
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transports);
        ArgumentNullException.ThrowIfNull(identifyGate);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        var validation = new GatewayOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        ShardId = shardId;
        ShardCount = shardCount;
        _token = token;
        _options = options;
        _identifyPresence = options.Presence?.ToIdentifyJson() ?? ReadOnlyMemory<byte>.Empty;
        _transports = transports;
        _identifyGate = identifyGate;
        _timeProvider = timeProvider;
        _stateSince = timeProvider.GetUtcNow();
        _logger = logger;
        _random = random ?? Random.Shared;
        _metrics = metrics;
        _decompressor = GatewayDecompressors.Create(options.Compression, options.MaxDecompressedMessageBytes);
        _backoff = new ReconnectBackoff(options.ReconnectBaseDelay, options.ReconnectMaxDelay, BackoffJitter.Equal, _random);
        _ledger = new SessionLedger(timeProvider);
        _delivery = new ShardDelivery(shardId, sink, _ledger, _random, timeProvider, logger, _hardStop.Token);

        if (session is not null)
        {
            ImportSession(session);
        }
    }

    public int ShardId { get; }

    public int ShardCount { get; }

    /// <summary>Starts the connection loop in the background. Call once.</summary>
    public void Start()
    {
        lock (_lock)
        {
            if (_runTask is not null || _stopMode is not null)
            {
                throw new InvalidOperationException($"Shard {ShardId} was already started or stopped; create a new ShardConnection.");
            }

            // Task.Run keeps the socket loop off whatever scheduler the caller runs on (a grain's, for one).
            _runTask = Task.Run(RunAsync);
        }
    }

    /// <summary>
    /// Stops the shard: <see cref="ShardStopMode.Resumable"/> closes with 4000 and keeps the session for
    /// <see cref="ExportSession"/> (undelivered buffered events are left to the replay);
    /// <see cref="ShardStopMode.Shutdown"/> closes with 1000, delivers what is buffered and drops the session.
    /// Waits for an event the sink is taking; cancelling <paramref name="cancellationToken"/> abandons it.
    /// </summary>
    public async Task StopAsync(ShardStopMode mode, CancellationToken cancellationToken = default)
    {
        ConnectionScope? scope;
        Task? run;
        ShardStopMode effectiveMode;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _stopMode ??= mode;
            effectiveMode = _stopMode.Value;
            scope = _currentScope;
            run = _runTask;
            if (run is null)
            {
                if (effectiveMode == ShardStopMode.Shutdown)
                {
                    _ledger.Drop();
                }

                EnterLocked(GatewayState.Stopped);
            }
        }

        if (run is null)
        {
            _completion.TrySetResult();
            return;
        }

        await _stopSignal.CancelAsync().ConfigureAwait(false);
        var code = effectiveMode == ShardStopMode.Shutdown ? NormalCloseCode : ResumableCloseCode;
        scope?.Disconnect(new DisconnectReason(CloseInitiator.Client, code, null, $"stopped ({effectiveMode})"));
        await using (cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _hardStop))
        {
            // The run loop never throws: its outcome (a fatal close included) is on Completion.
            await run.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
        }

        await StopAsync(ShardStopMode.Resumable, new CancellationToken(canceled: true)).ConfigureAwait(false);
        lock (_lock)
        {
            _disposed = true;
            if (_runTask is null)
            {
                _decompressor.Dispose();
            }
        }

        _stopSignal.Dispose();
        _hardStop.Dispose();
    }

    private bool IsStopRequested
    {
        get
        {
            lock (_lock)
            {
                return _stopMode is not null;
            }
        }
    }

    private async Task RunAsync()
    {
        Exception? failure = null;
        try
        {
            while (!IsStopRequested)
            {
                var plan = PlanConnection();

                // Identify: the slot first, the socket within the connect lead of it. A resume connects at once.
                IdentifyPermit? permit = null;
                if (plan.Resume is null)
                {
                    permit = await TakeIdentifySlotAsync().ConfigureAwait(false);
                    if (permit is null)
                    {
                        continue; // Stopped while waiting; the loop condition ends the run.
                    }
                }

                var next = await RunConnectionAsync(plan, permit).ConfigureAwait(false);
                if (next == NextStep.Exit)
                {
                    break;
                }

                if (next == NextStep.RetryAfterBackoff)
                {
                    await DelayBeforeRetryAsync().ConfigureAwait(false);
                }

                if (TakeIdentifyBackoff() is { } identifyBackoff)
                {
                    await DelayAsync(identifyBackoff).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_hardStop.IsCancellationRequested)
        {
            // Abandoned by a cancelled StopAsync or by DisposeAsync.
        }
        catch (Exception ex)
        {
            failure = ex;
            GatewayLog.LoopFailed(_logger, ShardId, ex);
        }

        FinishRun(failure);
    }

    private void FinishRun(Exception? failure)
    {
        GatewayFatalCloseException? fatal;
        ShardStopMode? mode;
        lock (_lock)
        {
            fatal = _fatalError;
            mode = _stopMode;
            if (mode == ShardStopMode.Shutdown)
            {
                _ledger.Drop();
            }

            if (_state != GatewayState.FatallyClosed)
            {
                EnterLocked(GatewayState.Stopped);
            }
        }

        Exception commandError = fatal ?? failure
            ?? new InvalidOperationException($"Shard {ShardId} stopped before the command was sent.");
        _commands.Close(commandError);
        _decompressor.Dispose();

        if (fatal is not null)
        {
            _completion.TrySetException(fatal);
        }
        else if (failure is not null)
        {
            _completion.TrySetException(failure);
        }
        else
        {
            GatewayLog.Stopped(_logger, ShardId, mode ?? ShardStopMode.Resumable);
            _completion.TrySetResult();
        }
    }

    private async Task<NextStep> RunConnectionAsync(ConnectionPlan plan, IdentifyPermit? permit)
    {
        var scope = new ConnectionScope(
            _transports.Create(), plan, _options.SinkBufferLimit, _options.SinkBufferBytes, _timeProvider, CloseHandshakeTimeout, _hardStop.Token)
        {
            HeldPermit = permit,
        };
        await using (scope.ConfigureAwait(false))
        {
            lock (_lock)
            {
                // Checked under the lock StopAsync takes, so a stop either sees this scope or is seen here.
                if (_stopMode is not null)
                {
                    return NextStep.Exit;
                }

                _currentScope = scope;
                SetStateLocked(GatewayState.Connecting);
            }

            try
            {
                _decompressor.Reset();
                scope.StartDeliveries(_delivery.RunAsync(scope));
                if (await ConnectAsync(scope).ConfigureAwait(false))
                {
                    scope.ArmHelloTimeout(_options.HelloTimeout, () => OnHelloTimeout(scope));
                    await ReadLoopAsync(scope).ConfigureAwait(false);
                }

                scope.Disconnect(new DisconnectReason(CloseInitiator.Transport, null, ReconnectCause.TransportError, "the connection ended"));
                await scope.WhenTasksCompletedAsync().ConfigureAwait(false);
                return await DecideNextStepAsync(scope).ConfigureAwait(false);
            }
            finally
            {
                lock (_lock)
                {
                    _currentScope = null;
                }

                // Not sent (no socket, no Hello in time, stopped): handed back so the gate does not charge it again.
                _unusedPermit = scope.HeldPermit;
            }
        }
    }

    private async Task<bool> ConnectAsync(ConnectionScope scope)
    {
        var url = scope.Plan.Url;
        GatewayLog.Connecting(_logger, ShardId, url, scope.Plan.Resume is null ? "identify" : "resume");
        try
        {
            await scope.Transport.ConnectAsync(url, scope.Lifetime).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (scope.Lifetime.IsCancellationRequested)
        {
            return false;
        }
        catch (GatewayTransportException ex)
        {
            GatewayLog.ConnectFailed(_logger, ShardId, url, ex);
            scope.Disconnect(new DisconnectReason(CloseInitiator.Transport, null, ReconnectCause.ConnectFailed, ex.Message));
            return false;
        }
    }

    private void OnHelloTimeout(ConnectionScope scope)
    {
        if (scope.Disconnect(new DisconnectReason(
            CloseInitiator.Client, ResumableCloseCode, ReconnectCause.HelloTimeout, $"no Hello within {_options.HelloTimeout}")))
        {
            GatewayLog.HelloTimedOut(_logger, ShardId, _options.HelloTimeout);
        }
    }

    /// <summary>The one place that turns how a connection ended into what the shard does next.</summary>
    private async Task<NextStep> DecideNextStepAsync(ConnectionScope scope)
    {
        var reason = scope.Reason!;
        if (!reason.IsStop && !IsStopRequested)
        {
            _pendingIdentifyBackoff = OnConnectionEndedForIdentify(scope);
        }

        if (scope.Plan.UsesResumeUrl
            && !scope.HelloReceived
            && _ledger.OnResumeUrlFailed() == ResumeUrlFailureLimit)
        {
            GatewayLog.ResumeUrlAbandoned(_logger, ShardId, ResumeUrlFailureLimit);
        }

        ShardStopMode? stopMode;
        lock (_lock)
        {
            stopMode = _stopMode;
        }

        _counters.OnClosed(reason.Code);
        if (scope.IsActive)
        {
            _ledger.MarkAlive(scope.Generation);
        }

        if (reason.IsStop || stopMode is not null)
        {
            var stopped = scope.EndDeliveries(drain: stopMode == ShardStopMode.Shutdown);
            SetState(GatewayState.Disconnected);
            await _delivery.AwaitAsync(scope, stopped).ConfigureAwait(false);
            return NextStep.Exit;
        }

        var action = CloseCodePolicy.Decide(reason.Initiator, reason.Code);
        GatewayLog.Disconnected(_logger, ShardId, reason.Initiator, reason.Code, reason.Cause, reason.Detail, action);
        _metrics?.OnConnectionClosed(ShardId, reason.Code);

        // Resume: Discord replays what was not delivered. Otherwise nothing will be replayed: deliver it all.
        var deliveries = scope.EndDeliveries(drain: action != CloseAction.Resume);
        if (action == CloseAction.Fatal)
        {
            var fatal = new GatewayFatalCloseException(ShardId, reason.Code ?? 0, reason.PeerReason);
            lock (_lock)
            {
                _fatalError = fatal;
                EnterLocked(GatewayState.FatallyClosed);
            }

            GatewayLog.FatalClose(_logger, ShardId, fatal.CloseCode, fatal.Message);
            await _delivery.AwaitAsync(scope, deliveries).ConfigureAwait(false);
            _ledger.Drop();

            return NextStep.Exit;
        }

        _counters.OnReconnect(reason.Cause!.Value);
        SetState(GatewayState.Disconnected);

        // After a stall this is where the shard waits for the sink to accept again before reconnecting.
        await _delivery.AwaitAsync(scope, deliveries).ConfigureAwait(false);
        if (action == CloseAction.Reidentify)
        {
            _ledger.Drop();
        }

        if (scope.IsActive)
        {
            _backoff.Reset();
            return NextStep.Reconnect;
        }

        return NextStep.RetryAfterBackoff;
    }

    /// <summary>
    /// Takes this shard's identify slot and waits until it is within <see cref="GatewayOptions.IdentifyConnectLead"/>,
    /// handing back the permit the last connection did not use. Null when the shard was stopped meanwhile.
    /// </summary>
    private async Task<IdentifyPermit?> TakeIdentifySlotAsync()
    {
        SetState(GatewayState.Identifying);
        var missed = _unusedPermit;
        _unusedPermit = null;
        try
        {
            return await _identifyGate.AcquireAsync(ShardId, missed, _options.IdentifyConnectLead, _stopSignal.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopSignal.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task DelayBeforeRetryAsync()
    {
        var delay = _backoff.NextDelay();
        GatewayLog.ReconnectDelay(_logger, ShardId, delay, _backoff.Attempt);
        await DelayAsync(delay).ConfigureAwait(false);
    }

    /// <summary>The identify backoff decided when the last connection ended, once; null when there is none.</summary>
    private TimeSpan? TakeIdentifyBackoff()
    {
        var backoff = _pendingIdentifyBackoff;
        _pendingIdentifyBackoff = TimeSpan.Zero;
        return backoff > TimeSpan.Zero ? backoff : null;
    }

    private async Task DelayAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _timeProvider, _stopSignal.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopSignal.IsCancellationRequested)
        {
            // Stopped while waiting; the loop condition ends the run.
        }
    }

    /// <summary>Moves to <paramref name="state"/> unless the shard already ended.</summary>
    private void SetStateLocked(GatewayState state)
    {
        if (_state is not (GatewayState.FatallyClosed or GatewayState.Stopped))
        {
            EnterLocked(state);
        }
    }

    /// <summary>Sets the state and, when it changes, when it was entered (health checks look at how long a shard is not Active).</summary>
    private void EnterLocked(GatewayState state)
    {
        if (_state != state)
        {
            _state = state;
            _stateSince = _timeProvider.GetUtcNow();
        }
    }

    private void SetState(GatewayState state)
    {
        lock (_lock)
        {
            SetStateLocked(state);
        }
    }

    private enum NextStep
    {
        Reconnect,
        RetryAfterBackoff,
        Exit,
    }
}
