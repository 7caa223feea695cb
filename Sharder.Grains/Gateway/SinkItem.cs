using Sharder.Grains.Sink;

namespace Sharder.Grains.Gateway;

/// <summary>One entry of the buffer between the read loop and the sink: a dispatch or a session start.</summary>
internal readonly struct SinkItem
{
    public SinkItem(ShardDispatch dispatch, long generation)
    {
        Dispatch = dispatch;
        Generation = generation;
    }

    public SinkItem(SessionStart sessionStart, long generation)
    {
        SessionStart = sessionStart;
        Generation = generation;
    }

    public ShardDispatch Dispatch { get; }

    /// <summary>Set for a session start; otherwise this item is <see cref="Dispatch"/>.</summary>
    public SessionStart? SessionStart { get; }

    /// <summary>The session start (generation) the item belongs to; see <see cref="ShardConnection"/>.</summary>
    public long Generation { get; }

    /// <summary>What the item holds in the sink buffer, counted against <see cref="GatewayOptions.SinkBufferBytes"/>.</summary>
    public long Bytes => SessionStart is null ? Dispatch.Payload.Length : 0;
}
