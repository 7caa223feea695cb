namespace Sharder.Grains.Gateway;

/// <summary>
/// One dispatch (op 0) as received: the raw JSON frame, untouched, plus the envelope fields already read.
/// <see cref="Payload"/> is the only allocation per event; <see cref="Data"/> is a slice of it.
/// </summary>
internal readonly struct ShardDispatch
{
    private readonly int _dataStart;
    private readonly int _dataLength;

    public ShardDispatch(
        int shardId,
        string sessionId,
        long sequence,
        string eventType,
        ulong? guildId,
        ReadOnlyMemory<byte> payload,
        int dataStart,
        int dataLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataStart);
        ArgumentOutOfRangeException.ThrowIfNegative(dataLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dataStart + dataLength, payload.Length);
        ShardId = shardId;
        SessionId = sessionId;
        Sequence = sequence;
        EventType = eventType;
        GuildId = guildId;
        Payload = payload;
        _dataStart = dataStart;
        _dataLength = dataLength;
    }

    public int ShardId { get; }

    /// <summary>The session the event belongs to.</summary>
    public string SessionId { get; }

    /// <summary>The <c>s</c> field.</summary>
    public long Sequence { get; }

    /// <summary>The <c>t</c> field, e.g. <c>MESSAGE_CREATE</c>.</summary>
    public string EventType { get; }

    /// <summary><c>d.guild_id</c> when present.</summary>
    public ulong? GuildId { get; }

    /// <summary>The whole frame as received (after decompression): <c>{"t":…,"s":…,"op":0,"d":…}</c>.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>When the frame was read off the socket (<see cref="TimeProvider.GetTimestamp"/>); 0 when unknown.</summary>
    public long ReceivedTimestamp { get; init; }

    /// <summary>The raw <c>d</c> value inside <see cref="Payload"/>.</summary>
    public ReadOnlyMemory<byte> Data => Payload.Slice(_dataStart, _dataLength);

    /// <summary>Where <see cref="Data"/> sits inside <see cref="Payload"/>.</summary>
    public Range DataRange => new(_dataStart, _dataStart + _dataLength);
}
