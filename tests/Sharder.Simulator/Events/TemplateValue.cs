namespace Sharder.Simulator.Events;

/// <summary>A value spliced into a <see cref="JsonTemplate"/> slot, written as raw UTF-8 without quotes.</summary>
internal readonly struct TemplateValue
{
    private readonly Kind _kind;
    private readonly ulong _bits;
    private readonly ReadOnlyMemory<byte> _utf8;

    private TemplateValue(Kind kind, ulong bits, ReadOnlyMemory<byte> utf8)
    {
        _kind = kind;
        _bits = bits;
        _utf8 = utf8;
    }

    private enum Kind : byte
    {
        Empty,
        Unsigned,
        Signed,
        Boolean,
        Timestamp,
        Utf8,
    }

    public static TemplateValue Empty => default;

    public static TemplateValue Number(ulong value) => new(Kind.Unsigned, value, default);

    public static TemplateValue Number(long value) => new(Kind.Signed, unchecked((ulong)value), default);

    public static TemplateValue Bool(bool value) => new(Kind.Boolean, value ? 1UL : 0UL, default);

    /// <summary>ISO-8601 as Discord writes it: <c>2017-07-11T17:27:07.299000+00:00</c> (UTC).</summary>
    public static TemplateValue Time(DateTimeOffset value) => new(Kind.Timestamp, (ulong)value.UtcTicks, default);

    /// <summary>Bytes copied verbatim; the caller guarantees they are valid inside the template's JSON context.</summary>
    public static TemplateValue Utf8(ReadOnlyMemory<byte> value) => new(Kind.Utf8, 0, value);

    public int Length => _kind switch
    {
        Kind.Empty => 0,
        Kind.Unsigned => Digits.Count(_bits),
        Kind.Signed => Digits.Count(unchecked((long)_bits)),
        Kind.Boolean => _bits == 1 ? 4 : 5,
        Kind.Timestamp => IsoTimestamp.Length,
        Kind.Utf8 => _utf8.Length,
        _ => throw new InvalidOperationException("Unknown template value kind."),
    };

    /// <summary>Writes the value; <paramref name="destination"/> must hold at least <see cref="Length"/> bytes.</summary>
    public int WriteTo(Span<byte> destination)
    {
        switch (_kind)
        {
            case Kind.Empty:
                return 0;
            case Kind.Unsigned:
                return Digits.Write(destination, _bits);
            case Kind.Signed:
                return Digits.Write(destination, unchecked((long)_bits));
            case Kind.Boolean:
                var literal = _bits == 1 ? "true"u8 : "false"u8;
                literal.CopyTo(destination);
                return literal.Length;
            case Kind.Timestamp:
                return IsoTimestamp.Write(destination, new DateTime((long)_bits, DateTimeKind.Utc));
            case Kind.Utf8:
                _utf8.Span.CopyTo(destination);
                return _utf8.Length;
            default:
                throw new InvalidOperationException("Unknown template value kind.");
        }
    }
}
