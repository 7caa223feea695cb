namespace Sharder.Grains.Sink;

/// <summary>
/// One dispatch (op 0) from the gateway to the sink: the raw JSON frame, untouched, plus the envelope
/// fields already read and where the raw <c>d</c> value sits in it, so the sink can splice it into an
/// envelope without parsing or re-serializing. <see cref="Payload"/> is the only allocation per event;
/// <see cref="Data"/> is a slice of it. The shard is not repeated here: the sink it goes to is the shard's.
/// </summary>
internal readonly struct ShardDispatch
{
    /// <summary>This dispatch with a resharding verdict applied.</summary>
    public ShardDispatch WithVerdict(bool withheld, bool overlap)
        => new(SessionId, Sequence, EventType, GuildId, Payload, DataRange)
        {
            ReceivedTimestamp = ReceivedTimestamp,
            Withheld = withheld,
            Overlap = overlap,
        };

    public ShardDispatch(string sessionId, long sequence, string eventType, ulong? guildId, ReadOnlyMemory<byte> payload, Range dataRange)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        ArgumentException.ThrowIfNullOrEmpty(eventType);
        _ = dataRange.GetOffsetAndLength(payload.Length);
        SessionId = sessionId;
        Sequence = sequence;
        EventType = eventType;
        GuildId = guildId;
        Payload = payload;
        DataRange = dataRange;
    }

    /// <summary>The session the event belongs to.</summary>
    public string SessionId { get; }

    /// <summary>The <c>s</c> field.</summary>
    public long Sequence { get; }

    /// <summary>The <c>t</c> field, e.g. <c>MESSAGE_CREATE</c>.</summary>
    public string EventType { get; }

    /// <summary><c>d.guild_id</c> when present; null for DMs and guild-less events.</summary>
    public ulong? GuildId { get; }

    /// <summary>The whole frame as received (after decompression): <c>{"t":…,"s":…,"op":0,"d":…}</c>.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Where the raw <c>d</c> value sits inside <see cref="Payload"/>.</summary>
    public Range DataRange { get; }

    /// <summary>When the frame was read off the socket (<see cref="TimeProvider.GetTimestamp"/>); 0 when unknown.</summary>
    public long ReceivedTimestamp { get; init; }

    /// <summary>
    /// Set during a resharding run when the other generation publishes this event (<see cref="Resharding.CutoverDecision"/>):
    /// it is not pushed but still advances the checkpoint, like an event the type filter leaves out.
    /// </summary>
    public bool Withheld { get; init; }

    /// <summary>Set for a clockless event inside a run's overlap window: the envelope says <c>"overlap":true</c>.</summary>
    public bool Overlap { get; init; }

    /// <summary>The raw <c>d</c> bytes: a slice of <see cref="Payload"/>, not a copy.</summary>
    public ReadOnlyMemory<byte> Data => Payload[DataRange];
}
