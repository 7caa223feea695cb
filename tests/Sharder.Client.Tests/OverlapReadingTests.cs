using System.Buffers;
using Sharder.Client.Messages;
using Sharder.Grains.Sink;

namespace Sharder.Client.Tests;

/// <summary>The resharding overlap mark written by the silo reads back as <see cref="SharderEvent.IsOverlap"/>.</summary>
public sealed class OverlapReadingTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_overlap_mark_reads_back(bool overlap)
    {
        var dispatch = TestEnvelopes.Dispatch("s1", 7, "PRESENCE_UPDATE", guildId: 42, data: """{"status":"idle"}""")
            .WithVerdict(withheld: false, overlap: overlap);
        var buffer = new ArrayBufferWriter<byte>();
        EnvelopeWriter.WriteEnvelope(buffer, 3, dispatch);

        var evt = Assert.IsType<SharderEvent>(SharderMessageReader.Read(buffer.WrittenMemory));

        Assert.Equal(overlap, evt.IsOverlap);
        Assert.Equal("""{"status":"idle"}"""u8.ToArray(), evt.Data.ToArray());
        Assert.Equal(7, evt.Sequence);
    }
}
