namespace Sharder.Grains.Gateway;

/// <summary>One queued command and the task its sender awaits.</summary>
internal sealed class OutboundCommand(byte[] payload)
{
    private const int Queued = 0;
    private const int Sending = 1;
    private const int Abandoned = 2;

    private readonly TaskCompletionSource _sent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state;

    public ReadOnlyMemory<byte> Payload { get; } = payload;

    public Task Sent => _sent.Task;

    public bool IsAbandoned => Volatile.Read(ref _state) == Abandoned;

    public bool TryBeginSend() => Interlocked.CompareExchange(ref _state, Sending, Queued) == Queued;

    public void ReturnToQueue() => Interlocked.CompareExchange(ref _state, Queued, Sending);

    /// <summary>The caller stopped waiting: skip it unless it is already being sent.</summary>
    public void Abandon() => Interlocked.CompareExchange(ref _state, Abandoned, Queued);

    public void Complete() => _sent.TrySetResult();

    public void Fail(Exception error)
    {
        // Nobody awaits an abandoned command: cancel it rather than leave an unobserved exception.
        if (IsAbandoned)
        {
            _sent.TrySetCanceled();
        }
        else
        {
            _sent.TrySetException(error);
        }
    }
}
