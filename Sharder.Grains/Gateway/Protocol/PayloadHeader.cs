namespace Sharder.Grains.Gateway.Protocol;

/// <summary>
/// The envelope fields of one gateway payload, read without deserializing <c>d</c>.
/// <see cref="DataStart"/> and <see cref="DataLength"/> locate the raw <c>d</c> value inside the
/// JSON the header was peeked from, so dispatch bytes can be forwarded untouched.
/// </summary>
internal readonly struct PayloadHeader
{
    public PayloadHeader(int op, long? sequence, string? eventType, ulong? guildId, int dataStart, int dataLength)
    {
        Op = op;
        Sequence = sequence;
        EventType = eventType;
        GuildId = guildId;
        DataStart = dataStart;
        DataLength = dataLength;
    }

    /// <summary>The <c>op</c> field.</summary>
    public int Op { get; }

    /// <summary>The <c>s</c> field; <see langword="null"/> when absent or null.</summary>
    public long? Sequence { get; }

    /// <summary>The <c>t</c> field; known names are shared instances, so steady state does not allocate.</summary>
    public string? EventType { get; }

    /// <summary><c>d.guild_id</c> when <c>d</c> is an object that has it directly (not nested deeper).</summary>
    public ulong? GuildId { get; }

    /// <summary>Byte offset of the raw <c>d</c> value; 0 when there is no <c>d</c>.</summary>
    public int DataStart { get; }

    /// <summary>Byte length of the raw <c>d</c> value (4 for <c>null</c>); 0 when there is no <c>d</c>.</summary>
    public int DataLength { get; }

    /// <summary>The opcode as an enum value (unknown numbers stay unnamed values).</summary>
    public GatewayOpcode Opcode => (GatewayOpcode)Op;

    /// <summary>Returns the raw <c>d</c> bytes from the JSON this header was read from.</summary>
    public ReadOnlySpan<byte> GetData(ReadOnlySpan<byte> json) => json.Slice(DataStart, DataLength);
}
