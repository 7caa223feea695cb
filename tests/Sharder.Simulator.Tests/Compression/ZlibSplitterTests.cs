using Sharder.Simulator.Compression;
using Xunit;

namespace Sharder.Simulator.Tests.Compression;

public sealed class ZlibSplitterTests
{
    private static readonly byte[] Suffix = [0x00, 0x00, 0xFF, 0xFF];

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    [InlineData(3, 7)]
    [InlineData(4, 40)]
    [InlineData(5, 1)]
    public void Pieces_reassemble_byte_identically_and_only_the_last_ends_with_the_suffix(int seed, int pieces)
    {
        var messages = ZlibMessages(seed, count: 30);
        var rng = new Random(seed);
        foreach (var message in messages)
        {
            // The suffix stays whole in the last piece, so a message of n bytes gives at most n - 3 pieces.
            var count = Math.Min(pieces, message.Length - 3);
            var split = ZlibSplitter.Split(message, count, rng);

            Assert.Equal(count, split.Count);
            Assert.Equal(message, split.SelectMany(p => p.ToArray()).ToArray());
            Assert.All(split, p => Assert.False(p.IsEmpty));
            Assert.All(split.SkipLast(1), p => Assert.False(EndsWithSuffix(p.Span)));
            Assert.True(EndsWithSuffix(split[^1].Span));
        }
    }

    [Fact]
    public void A_split_point_right_after_an_inner_suffix_is_never_chosen()
    {
        // Two gateway messages glued together contain the suffix in the middle.
        var messages = ZlibMessages(seed: 6, count: 3);
        var glued = messages[1].Concat(messages[2]).ToArray();
        var innerSuffixEnd = messages[1].Length;
        var rng = new Random(6);

        for (var attempt = 0; attempt < 300; attempt++)
        {
            var split = ZlibSplitter.Split(glued, pieces: Math.Min(glued.Length / 2, 2 + attempt), rng);
            var prefix = 0;
            foreach (var piece in split.SkipLast(1))
            {
                prefix += piece.Length;
                Assert.NotEqual(innerSuffixEnd, prefix);
                Assert.False(EndsWithSuffix(glued.AsSpan(0, prefix)));
            }
        }

        Assert.False(ZlibSplitter.IsAllowedSplitPoint(glued, innerSuffixEnd));
        Assert.Equal(glued.Length - 4, ZlibSplitter.MaxPieces(glued));
        Assert.Equal(glued.Length - 4, ZlibSplitter.Split(glued, glued.Length - 4, rng).Count);
        Assert.Throws<ArgumentException>(() => ZlibSplitter.SplitAt(glued, [innerSuffixEnd]));
    }

    [Fact]
    public void Every_piece_but_the_suffix_can_be_a_single_byte()
    {
        var message = ZlibMessages(seed: 7, count: 1)[0];

        var split = ZlibSplitter.Split(message, message.Length - 3, new Random(7));

        Assert.All(split.SkipLast(1), p => Assert.Equal(1, p.Length));
        Assert.Equal(Suffix, split[^1].ToArray());
        Assert.Equal(message.Length - 3, ZlibSplitter.MaxPieces(message));
        Assert.Throws<ArgumentException>(() => ZlibSplitter.Split(message, message.Length - 2, new Random(7)));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(9)]
    public void A_one_byte_piece_can_be_requested(int pieces)
    {
        var rng = new Random(pieces);
        foreach (var message in ZlibMessages(seed: 8, count: 20))
        {
            var count = Math.Min(pieces, message.Length - 3);
            var split = ZlibSplitter.Split(message, count, rng, ZlibSplitOptions.IncludeOneBytePiece);

            Assert.Equal(count, split.Count);
            Assert.Contains(split, p => p.Length == 1);
            Assert.Equal(message, split.SelectMany(p => p.ToArray()).ToArray());
        }
    }

    [Theory]
    [InlineData(2, ZlibSplitOptions.SuffixAsLastPiece)]
    [InlineData(5, ZlibSplitOptions.SuffixAsLastPiece)]
    [InlineData(4, ZlibSplitOptions.SuffixAsLastPiece | ZlibSplitOptions.IncludeOneBytePiece)]
    public void The_last_piece_can_be_exactly_the_suffix(int pieces, ZlibSplitOptions options)
    {
        var rng = new Random(pieces);
        foreach (var message in ZlibMessages(seed: 9, count: 20))
        {
            var count = Math.Min(pieces, message.Length - 3);
            var split = ZlibSplitter.Split(message, count, rng, options);

            Assert.Equal(count, split.Count);
            Assert.Equal(Suffix, split[^1].ToArray());
            Assert.All(split.SkipLast(1), p => Assert.False(EndsWithSuffix(p.Span)));
            Assert.Equal(message, split.SelectMany(p => p.ToArray()).ToArray());
            if (options.HasFlag(ZlibSplitOptions.IncludeOneBytePiece))
            {
                Assert.Contains(split.SkipLast(1), p => p.Length == 1);
            }
        }
    }

    [Fact]
    public void A_suffix_detecting_client_rebuilds_every_message_from_split_pieces()
    {
        var json = GatewayPayloads.Sequence(seed: 10, count: 50);
        using var encoder = GatewayEncoders.Create(TransportCompression.ZlibStream, payloadCompression: false, 0);
        var rng = new Random(10);
        var wsMessages = new List<ReadOnlyMemory<byte>>();
        foreach (var message in EncoderRun.EncodeAll(encoder, json))
        {
            var options = (ZlibSplitOptions)rng.Next(4);
            var pieces = Math.Min(message.Data.Length - 3, 3 + rng.Next(6));
            wsMessages.AddRange(ZlibSplitter.Split(message.Data, pieces, rng, options));
        }

        // Client as documented: buffer until a WS message ends with the suffix, then inflate.
        var buffered = new List<byte>();
        var complete = new List<ReadOnlyMemory<byte>>();
        foreach (var piece in wsMessages)
        {
            buffered.AddRange(piece.ToArray());
            if (EndsWithSuffix(piece.Span))
            {
                complete.Add(buffered.ToArray());
                buffered.Clear();
            }
        }

        Assert.Empty(buffered);
        Assert.Equal(json, StreamingDecoders.InflateZlibStream(complete));
    }

    [Fact]
    public void The_same_seed_gives_the_same_split()
    {
        var message = ZlibMessages(seed: 11, count: 2)[1];

        var first = ZlibSplitter.Split(message, 6, new Random(42)).Select(p => p.Length);
        var second = ZlibSplitter.Split(message, 6, new Random(42)).Select(p => p.Length);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Impossible_splits_are_rejected()
    {
        var message = ZlibMessages(seed: 12, count: 1)[0];
        var rng = new Random(12);

        Assert.Throws<ArgumentOutOfRangeException>(() => ZlibSplitter.Split(message, 0, rng));
        Assert.Throws<ArgumentOutOfRangeException>(() => ZlibSplitter.Split(message, message.Length + 1, rng));
        Assert.Throws<ArgumentException>(() => ZlibSplitter.Split(message, 1, rng, ZlibSplitOptions.SuffixAsLastPiece));
        Assert.Throws<ArgumentException>(() => ZlibSplitter.Split(message.AsMemory(0, message.Length - 1), 2, rng, ZlibSplitOptions.SuffixAsLastPiece));
        Assert.Throws<ArgumentException>(() => ZlibSplitter.SplitAt(message, [5, 3]));

        // An empty sync flush is 5 bytes; with the suffix kept whole it splits into at most 2 pieces.
        byte[] emptyFlush = [0x00, 0x00, 0x00, 0xFF, 0xFF];
        Assert.Equal(2, ZlibSplitter.Split(emptyFlush, 2, rng).Count);
        Assert.Throws<ArgumentException>(() => ZlibSplitter.Split(emptyFlush, 3, rng, ZlibSplitOptions.IncludeOneBytePiece));
    }

    [Fact]
    public void Explicit_offsets_split_exactly_there()
    {
        var message = ZlibMessages(seed: 13, count: 1)[0];

        var split = ZlibSplitter.SplitAt(message, [1, 2, message.Length - 4]);

        Assert.Equal([1, 1, message.Length - 6, 4], split.Select(p => p.Length));
    }

    private static List<byte[]> ZlibMessages(int seed, int count)
    {
        using var encoder = GatewayEncoders.Create(TransportCompression.ZlibStream, payloadCompression: false, 0);
        return EncoderRun.EncodeAll(encoder, GatewayPayloads.Sequence(seed, count)).Select(e => e.Data).ToList();
    }

    private static bool EndsWithSuffix(ReadOnlySpan<byte> data) => data.EndsWith(Suffix);
}
