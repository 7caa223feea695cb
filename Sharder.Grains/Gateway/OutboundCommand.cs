namespace Sharder.Grains.Gateway;

/// <summary>
/// One queued command. An awaited one (<see cref="ShardConnection.SendAsync"/>) carries the task its sender
/// awaits; an enqueued one (<see cref="ShardConnection.TryEnqueue"/>) has nobody waiting, and if the shard
/// stops before sending it, it is kept for <see cref="ShardConnection.TakeUnsentCommands"/> instead.
/// </summary>
internal sealed class OutboundCommand
{
    private const int Queued = 0;
    private const int Sending = 1;
    private const int Abandoned = 2;

    private readonly TaskCompletionSource? _sent;
    private int _state;

    public OutboundCommand(byte[] payload, bool awaited)
    {
        Payload = payload;
        _sent = awaited ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
    }

    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Whether a caller waits for the outcome (<see cref="ShardConnection.SendAsync"/>).</summary>
    public bool IsAwaited => _sent is not null;

    public Task Sent => _sent?.Task ?? Task.CompletedTask;

    public bool IsAbandoned => Volatile.Read(ref _state) == Abandoned;

    public bool TryBeginSend() => Interlocked.CompareExchange(ref _state, Sending, Queued) == Queued;

    public void ReturnToQueue() => Interlocked.CompareExchange(ref _state, Queued, Sending);

    /// <summary>The caller stopped waiting: skip it unless it is already being sent.</summary>
    public void Abandon() => Interlocked.CompareExchange(ref _state, Abandoned, Queued);

    public void Complete() => _sent?.TrySetResult();

    public void Fail(Exception error)
    {
        // Nobody awaits an abandoned command: cancel it rather than leave an unobserved exception.
        if (IsAbandoned)
        {
            _sent?.TrySetCanceled();
        }
        else
        {
            _sent?.TrySetException(error);
        }
    }
}
