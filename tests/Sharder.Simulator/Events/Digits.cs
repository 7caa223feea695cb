using System.Buffers.Text;

namespace Sharder.Simulator.Events;

/// <summary>Decimal digit counting and writing for exact-size buffers.</summary>
internal static class Digits
{
    public static int Count(ulong value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }

    public static int Count(long value) =>
        value < 0 ? 1 + Count(value == long.MinValue ? (ulong)long.MaxValue + 1 : (ulong)-value) : Count((ulong)value);

    public static int Write(Span<byte> destination, ulong value) =>
        Utf8Formatter.TryFormat(value, destination, out int written) ? written : throw new ArgumentException("Destination too small.", nameof(destination));

    public static int Write(Span<byte> destination, long value) =>
        Utf8Formatter.TryFormat(value, destination, out int written) ? written : throw new ArgumentException("Destination too small.", nameof(destination));
}
