namespace Sharder.Grains.Gateway;

/// <summary>One entry of the buffer between the read loop and the sink: a dispatch or a session start.</summary>
internal readonly struct SinkItem
{
    public SinkItem(ShardDispatch dispatch)
    {
        Dispatch = dispatch;
    }

    public SinkItem(SessionStart sessionStart)
    {
        SessionStart = sessionStart;
    }

    public ShardDispatch Dispatch { get; }

    /// <summary>Set for a session start; otherwise this item is <see cref="Dispatch"/>.</summary>
    public SessionStart? SessionStart { get; }
}
