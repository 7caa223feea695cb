using System.Globalization;
using Sharder.Bench.Gateway.Recording;
using Sharder.Grains.Gateway.Protocol;

namespace Sharder.Bench.Gateway.HotPath;

/// <summary>
/// Checks every peeked header of one replay against what was generated: opcode 0, event type
/// MESSAGE_CREATE, <c>s</c> one higher than the last, and the frame's own <c>d.guild_id</c>.
/// </summary>
internal sealed class ReplayCheck
{
    private readonly BenchCorpus _corpus;
    private int _lastJsonLength;

    public ReplayCheck(BenchCorpus corpus)
    {
        _corpus = corpus;
    }

    public int Peeked { get; private set; }

    public long LastSequence { get; private set; }

    public long DecompressedBytes { get; private set; }

    public int Failures { get; private set; }

    /// <summary>What went wrong first, if anything did.</summary>
    public string? FirstFailure { get; private set; }

    /// <summary>Whole stream replayed, every frame matched, and exactly the generated JSON bytes came out.</summary>
    public bool Passed =>
        Failures == 0
        && Peeked == _corpus.FrameCount
        && LastSequence == _corpus.FrameCount
        && DecompressedBytes == _corpus.JsonBytes;

    public void OnFrame(in PayloadHeader header, int index, int jsonLength)
    {
        Peeked++;
        _lastJsonLength = jsonLength;
        DecompressedBytes += jsonLength;
        var expectedSequence = LastSequence + 1;
        LastSequence = header.Sequence ?? -1;
        if (header.Op != 0
            || header.Sequence != expectedSequence
            || header.EventType != "MESSAGE_CREATE"
            || header.GuildId != _corpus.ExpectedGuildId(index))
        {
            Fail(index, string.Create(
                CultureInfo.InvariantCulture,
                $"op {header.Op}, s {header.Sequence} (expected {expectedSequence}), t {header.EventType}, "
                + $"guild {header.GuildId} (expected {_corpus.ExpectedGuildId(index)})"));
        }
    }

    /// <summary>After a copy replay: the sink must hold one copy per peeked frame, the latest as long as the last frame.</summary>
    public void OnSinkReceived(long count, int latestLength)
    {
        if (count != Peeked || latestLength != _lastJsonLength)
        {
            Fail(Peeked - 1, string.Create(
                CultureInfo.InvariantCulture,
                $"the sink received {count} copies (expected {Peeked}), the latest of {latestLength} bytes (expected {_lastJsonLength})"));
        }
    }

    public void OnIncomplete(int index) => Fail(index, "the decompressor reported an incomplete message");

    public void OnMalformed(int index) => Fail(index, "the peek rejected the decompressed message");

    private void Fail(int index, string problem)
    {
        Failures++;
        FirstFailure ??= string.Create(CultureInfo.InvariantCulture, $"frame {index}: {problem}");
    }
}
