namespace Sharder.Grains.Sink;

/// <summary>
/// One dispatch on its way to Redis: the gateway frame exactly as received plus the fields already
/// read from it. <see cref="Data"/> locates the raw <c>d</c> value inside <see cref="Frame"/>, so the
/// envelope can splice it without parsing or re-serializing it.
/// </summary>
internal readonly struct OutboundEvent
{
    public OutboundEvent(
        int shardId,
        string sessionId,
        long sequence,
        string eventType,
        ulong? guildId,
        ReadOnlyMemory<byte> frame,
        Range data)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shardId);
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        ArgumentException.ThrowIfNullOrEmpty(eventType);
        _ = data.GetOffsetAndLength(frame.Length);
        ShardId = shardId;
        SessionId = sessionId;
        Sequence = sequence;
        EventType = eventType;
        GuildId = guildId;
        Frame = frame;
        Data = data;
    }

    public int ShardId { get; }

    /// <summary>The gateway session the event belongs to.</summary>
    public string SessionId { get; }

    /// <summary>The frame's <c>s</c> field.</summary>
    public long Sequence { get; }

    /// <summary>The frame's <c>t</c> field, e.g. <c>MESSAGE_CREATE</c>.</summary>
    public string EventType { get; }

    /// <summary><c>d.guild_id</c> when the event has one; null for DMs and guild-less events.</summary>
    public ulong? GuildId { get; }

    /// <summary>The whole gateway frame (JSON) as received: <c>{"op":0,"t":…,"s":…,"d":…}</c>.</summary>
    public ReadOnlyMemory<byte> Frame { get; }

    /// <summary>Where the raw <c>d</c> value sits inside <see cref="Frame"/>.</summary>
    public Range Data { get; }

    /// <summary>The raw <c>d</c> bytes: a slice of <see cref="Frame"/>, not a copy.</summary>
    public ReadOnlyMemory<byte> RawData => Frame[Data];
}
