namespace Sharder.Simulator.Compression;

/// <summary>
/// Corrupts one compressed gateway message so that every conforming decoder fails on it (R-7.7, F24),
/// while the framing a client uses to find message ends stays intact.
/// </summary>
public static class Corruption
{
    private static ReadOnlySpan<byte> ZstdMagic => [0x28, 0xB5, 0x2F, 0xFD];

    /// <summary>
    /// Returns a copy of <paramref name="message"/> with <paramref name="count"/> bytes of its compressed
    /// body changed (fewer if the body is shorter). The zlib header, the zstd frame header and the last
    /// 4 bytes of a zlib message (sync-flush suffix or Adler-32) are never touched, so the client still
    /// sees one complete message. Random flips alone can decode "successfully" into garbage, so the
    /// first changed byte is always the body's first block header, turned into the reserved block type
    /// (deflate BTYPE 11, zstd Block_Type 3); the other <c>count - 1</c> flips land at seeded random
    /// positions in the rest of the body.
    /// </summary>
    /// <remarks>
    /// Works on a whole message of either format: the first message of a zstd-stream (frame header),
    /// any later one (block header first), a zlib-stream message (ends with <c>00 00 FF FF</c>,
    /// with or without the 2-byte zlib header) and a payload-compressed packet (finished zlib stream).
    /// </remarks>
    public static byte[] FlipBytes(ReadOnlySpan<byte> message, Random rng, int count)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);

        var (bodyStart, protectedTail) = Layout(message);
        if (bodyStart >= message.Length - protectedTail)
        {
            throw new ArgumentException("The message has no compressed body to corrupt.", nameof(message));
        }

        var corrupted = message.ToArray();

        // Bits 1-2 of the first byte are the block type in both formats; 11 is reserved.
        corrupted[bodyStart] |= 0b0000_0110;

        var firstRandom = bodyStart + 1;
        var randomRange = message.Length - protectedTail - firstRandom;
        var flips = Math.Min(count - 1, randomRange);
        var positions = new HashSet<int>();
        while (positions.Count < flips)
        {
            var position = firstRandom + rng.Next(randomRange);
            if (positions.Add(position))
            {
                corrupted[position] ^= (byte)rng.Next(1, 256);
            }
        }

        return corrupted;
    }

    /// <summary>Where the compressed body starts and how many trailing bytes must stay untouched.</summary>
    private static (int BodyStart, int ProtectedTail) Layout(ReadOnlySpan<byte> message)
    {
        const int ZlibTail = 4;
        if (message.StartsWith(ZstdMagic))
        {
            return (ZstdFrameHeaderLength(message), 0);
        }

        if (HasZlibHeader(message))
        {
            return (2, ZlibTail);
        }

        // A later zlib-stream message starts with a byte-aligned deflate block; a later zstd-stream
        // message starts with a block header. Only the zlib one ends with the sync-flush suffix.
        return message.EndsWith(ZlibSplitter.SyncFlushSuffix) ? (0, ZlibTail) : (0, 0);
    }

    /// <summary>
    /// RFC 1950 header check. A later zlib-stream message cannot pass it: its first byte would be a
    /// stored block with non-zero padding bits, which zlib never writes.
    /// </summary>
    private static bool HasZlibHeader(ReadOnlySpan<byte> message)
    {
        if (message.Length < 2)
        {
            return false;
        }

        int cmf = message[0];
        int flg = message[1];
        const int Deflate = 8;
        const int PresetDictionaryFlag = 0x20;
        return (cmf & 0x0F) == Deflate && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0 && (flg & PresetDictionaryFlag) == 0;
    }

    /// <summary>RFC 8878 §3.1.1.1: magic, descriptor, optional window descriptor, dictionary id and content size.</summary>
    private static int ZstdFrameHeaderLength(ReadOnlySpan<byte> message)
    {
        if (message.Length < 5)
        {
            throw new ArgumentException("Truncated zstd frame header.", nameof(message));
        }

        var descriptor = message[4];
        var contentSizeFlag = descriptor >> 6;
        var singleSegment = (descriptor & 0x20) != 0;
        int[] dictionaryIdSizes = [0, 1, 2, 4];
        int[] contentSizeSizes = [singleSegment ? 1 : 0, 2, 4, 8];
        return ZstdMagic.Length + 1 + (singleSegment ? 0 : 1)
            + dictionaryIdSizes[descriptor & 0x03] + contentSizeSizes[contentSizeFlag];
    }
}
