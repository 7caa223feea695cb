using System.Buffers;
using Sharder.Bench.Gateway.Generation;
using Sharder.Grains.Gateway.Compression;

namespace Sharder.Bench.Gateway.Recording;

/// <summary>One generated MESSAGE_CREATE stream, recorded in every mode asked for, plus what replaying it must yield.</summary>
internal sealed class BenchCorpus
{
    private readonly ulong[] _guildIds;

    private BenchCorpus(IReadOnlyDictionary<GatewayCompression, RecordedStream> streams, ulong[] guildIds, long jsonBytes)
    {
        Streams = streams;
        _guildIds = guildIds;
        JsonBytes = jsonBytes;
    }

    public IReadOnlyDictionary<GatewayCompression, RecordedStream> Streams { get; }

    public int FrameCount => _guildIds.Length;

    /// <summary>Decompressed bytes of all frames together.</summary>
    public long JsonBytes { get; }

    /// <summary><c>d.guild_id</c> of frame <paramref name="index"/> (whose <c>s</c> is index + 1).</summary>
    public ulong ExpectedGuildId(int index) => _guildIds[index];

    public static BenchCorpus Build(int frames, int seed, IReadOnlyList<GatewayCompression> modes)
    {
        var recorders = modes.Select(mode => new StreamRecorder(mode)).ToArray();
        try
        {
            using var generator = new MessageCreateGenerator(seed);
            var frame = new ArrayBufferWriter<byte>(8 * 1024);
            var guildIds = new ulong[frames];
            long jsonBytes = 0;
            for (var i = 0; i < frames; i++)
            {
                frame.ResetWrittenCount();
                guildIds[i] = generator.WriteNext(frame);
                jsonBytes += frame.WrittenCount;
                foreach (var recorder in recorders)
                {
                    recorder.Append(frame.WrittenSpan);
                }
            }

            var streams = recorders.ToDictionary(recorder => recorder.Mode, recorder => recorder.ToRecordedStream());
            return new BenchCorpus(streams, guildIds, jsonBytes);
        }
        finally
        {
            foreach (var recorder in recorders)
            {
                recorder.Dispose();
            }
        }
    }
}
