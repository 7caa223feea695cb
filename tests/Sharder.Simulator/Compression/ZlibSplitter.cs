namespace Sharder.Simulator.Compression;

/// <summary>
/// Splits one zlib-stream gateway message into several WebSocket messages (R-7.4, F23). Clients
/// detect the end of a gateway message by the sync-flush suffix, so a split point is refused when
/// the bytes before it end with <c>00 00 FF FF</c>: no piece but the last may end with the suffix,
/// and neither may the client's accumulated buffer at a non-final piece.
/// </summary>
public static class ZlibSplitter
{
    private const int SuffixLength = 4;

    /// <summary>The zlib sync-flush marker that ends every zlib-stream gateway message.</summary>
    public static ReadOnlySpan<byte> SyncFlushSuffix => [0x00, 0x00, 0xFF, 0xFF];

    /// <summary>Splits <paramref name="message"/> into <paramref name="pieces"/> non-empty pieces at seeded offsets.</summary>
    public static IReadOnlyList<ReadOnlyMemory<byte>> Split(ReadOnlyMemory<byte> message, int pieces, Random rng)
        => Split(message, pieces, rng, ZlibSplitOptions.None);

    /// <summary>
    /// Splits <paramref name="message"/> into <paramref name="pieces"/> non-empty pieces at seeded
    /// offsets, honouring <paramref name="options"/>. The pieces are slices of the input.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The message cannot be split that way, e.g. more pieces than <see cref="MaxPieces"/>.
    /// </exception>
    public static IReadOnlyList<ReadOnlyMemory<byte>> Split(
        ReadOnlyMemory<byte> message, int pieces, Random rng, ZlibSplitOptions options)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(pieces, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pieces, message.Length);

        var span = message.Span;
        var cuts = new HashSet<int>();
        var randomCutLimit = message.Length - 1;

        if ((options & ZlibSplitOptions.SuffixAsLastPiece) != 0)
        {
            var suffixCut = message.Length - SuffixLength;
            if (pieces < 2 || suffixCut < 1 || !span.EndsWith(SyncFlushSuffix) || !IsAllowedSplitPoint(span, suffixCut))
            {
                throw new ArgumentException("The message cannot end in a separate 4-byte suffix piece.", nameof(message));
            }

            cuts.Add(suffixCut);
            randomCutLimit = suffixCut - 1;
        }

        if ((options & ZlibSplitOptions.IncludeOneBytePiece) != 0)
        {
            AddOneBytePiece(span, pieces - 1, cuts, rng);
        }

        AddRandomCuts(span, pieces - 1 - cuts.Count, randomCutLimit, cuts, rng);
        return Slice(message, cuts);
    }

    /// <summary>
    /// The most pieces <see cref="Split(ReadOnlyMemory{byte}, int, Random)"/> can cut this message into:
    /// one more than its allowed split points (a zlib-stream message of n bytes gives at most n - 3).
    /// </summary>
    public static int MaxPieces(ReadOnlySpan<byte> message)
    {
        var pieces = message.IsEmpty ? 0 : 1;
        for (var offset = 1; offset < message.Length; offset++)
        {
            if (IsAllowedSplitPoint(message, offset))
            {
                pieces++;
            }
        }

        return pieces;
    }

    /// <summary>Splits at explicit offsets (each the start of a new piece), validating every one.</summary>
    /// <exception cref="ArgumentException">An offset is out of order, out of range or not allowed.</exception>
    public static IReadOnlyList<ReadOnlyMemory<byte>> SplitAt(ReadOnlyMemory<byte> message, IEnumerable<int> offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        var cuts = new HashSet<int>();
        var previous = 0;
        foreach (var offset in offsets)
        {
            if (offset <= previous || offset >= message.Length)
            {
                throw new ArgumentException($"Offset {offset} is not increasing within (0, {message.Length}).", nameof(offsets));
            }

            if (!IsAllowedSplitPoint(message.Span, offset))
            {
                throw new ArgumentException($"A piece ending at {offset} would end with the sync-flush suffix.", nameof(offsets));
            }

            cuts.Add(offset);
            previous = offset;
        }

        return Slice(message, cuts);
    }

    /// <summary>
    /// Whether a non-final piece may end at <paramref name="offset"/>: the bytes before it must not end
    /// with the suffix, and the suffix that ends the message must stay whole in the last piece (clients
    /// test each WebSocket message, so a last piece of just "FF FF" would never complete the message).
    /// </summary>
    public static bool IsAllowedSplitPoint(ReadOnlySpan<byte> message, int offset)
    {
        if (offset <= 0 || offset >= message.Length)
        {
            return false;
        }

        if (offset > message.Length - SuffixLength && message.EndsWith(SyncFlushSuffix))
        {
            return false;
        }

        return offset < SuffixLength || !message[..offset].EndsWith(SyncFlushSuffix);
    }

    private static void AddOneBytePiece(ReadOnlySpan<byte> message, int cutBudget, HashSet<int> cuts, Random rng)
    {
        var lastPieceStart = cuts.Count > 0 ? cuts.Max() : message.Length;
        const int RandomAttempts = 64;
        for (var attempt = 0; attempt < RandomAttempts; attempt++)
        {
            if (TryAddOneBytePiece(message, rng.Next(lastPieceStart), cutBudget, cuts))
            {
                return;
            }
        }

        for (var start = 0; start < lastPieceStart; start++)
        {
            if (TryAddOneBytePiece(message, start, cutBudget, cuts))
            {
                return;
            }
        }

        throw new ArgumentException("No room for a 1-byte piece with this many pieces.", nameof(message));
    }

    private static bool TryAddOneBytePiece(ReadOnlySpan<byte> message, int start, int cutBudget, HashSet<int> cuts)
    {
        if (NewCutsForOneBytePiece(message, start, cuts) is not { } needed || needed.Count + cuts.Count > cutBudget)
        {
            return false;
        }

        cuts.UnionWith(needed);
        return true;
    }

    /// <summary>The cuts to add so that [start, start + 1) is a piece, or null if one of them is not allowed.</summary>
    private static List<int>? NewCutsForOneBytePiece(ReadOnlySpan<byte> message, int start, HashSet<int> cuts)
    {
        var needed = new List<int>(2);
        foreach (var cut in (ReadOnlySpan<int>)[start, start + 1])
        {
            if (cut == 0 || cut == message.Length || cuts.Contains(cut))
            {
                continue;
            }

            if (!IsAllowedSplitPoint(message, cut))
            {
                return null;
            }

            needed.Add(cut);
        }

        return needed;
    }

    private static void AddRandomCuts(ReadOnlySpan<byte> message, int count, int maxCut, HashSet<int> cuts, Random rng)
    {
        if (count <= 0)
        {
            return;
        }

        if (count <= maxCut / 4)
        {
            // Sparse: most split points are allowed, so sample and reject. Bounded, because a tiny
            // message may have fewer allowed points than asked for; the exhaustive path below decides.
            for (var attempt = 0; attempt < 64 * (count + 1) && count > 0; attempt++)
            {
                var cut = rng.Next(1, maxCut + 1);
                if (IsAllowedSplitPoint(message, cut) && cuts.Add(cut))
                {
                    count--;
                }
            }

            if (count == 0)
            {
                return;
            }
        }

        var candidates = new List<int>();
        for (var cut = 1; cut <= maxCut; cut++)
        {
            if (!cuts.Contains(cut) && IsAllowedSplitPoint(message, cut))
            {
                candidates.Add(cut);
            }
        }

        if (candidates.Count < count)
        {
            throw new ArgumentException(
                $"Only {candidates.Count} allowed split points remain, {count} are needed.", nameof(message));
        }

        for (var i = 0; i < count; i++)
        {
            var pick = rng.Next(i, candidates.Count);
            (candidates[i], candidates[pick]) = (candidates[pick], candidates[i]);
            cuts.Add(candidates[i]);
        }
    }

    private static List<ReadOnlyMemory<byte>> Slice(ReadOnlyMemory<byte> message, HashSet<int> cuts)
    {
        var ordered = cuts.Order().ToList();
        var result = new List<ReadOnlyMemory<byte>>(ordered.Count + 1);
        var start = 0;
        foreach (var cut in ordered)
        {
            result.Add(message[start..cut]);
            start = cut;
        }

        result.Add(message[start..]);
        return result;
    }
}
