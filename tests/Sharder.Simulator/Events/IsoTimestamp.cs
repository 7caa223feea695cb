namespace Sharder.Simulator.Events;

/// <summary>Writes timestamps in Discord's format, <c>yyyy-MM-ddTHH:mm:ss.ffffff+00:00</c>.</summary>
internal static class IsoTimestamp
{
    public const int Length = 32;

    public static int Write(Span<byte> destination, DateTime utc)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException("Destination too small.", nameof(destination));
        }

        WriteDigits(destination[..4], utc.Year);
        destination[4] = (byte)'-';
        WriteDigits(destination.Slice(5, 2), utc.Month);
        destination[7] = (byte)'-';
        WriteDigits(destination.Slice(8, 2), utc.Day);
        destination[10] = (byte)'T';
        WriteDigits(destination.Slice(11, 2), utc.Hour);
        destination[13] = (byte)':';
        WriteDigits(destination.Slice(14, 2), utc.Minute);
        destination[16] = (byte)':';
        WriteDigits(destination.Slice(17, 2), utc.Second);
        destination[19] = (byte)'.';
        WriteDigits(destination.Slice(20, 6), (int)(utc.Ticks % TimeSpan.TicksPerSecond / 10));
        "+00:00"u8.CopyTo(destination[26..]);
        return Length;
    }

    private static void WriteDigits(Span<byte> destination, int value)
    {
        for (int i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
