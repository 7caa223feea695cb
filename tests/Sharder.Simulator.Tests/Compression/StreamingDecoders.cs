using System.Buffers;
using System.IO.Compression;
using ZstdSharp;

namespace Sharder.Simulator.Tests.Compression;

/// <summary>Independent client-side decoders: one context per connection, fed one WS message at a time.</summary>
internal static class StreamingDecoders
{
    /// <summary>Decodes a zlib-stream connection with one <see cref="ZLibStream"/> over a feed stream.</summary>
    public static List<byte[]> InflateZlibStream(IEnumerable<ReadOnlyMemory<byte>> messages)
    {
        var feed = new FeedStream();
        using var inflater = new ZLibStream(feed, CompressionMode.Decompress);
        var decoded = new List<byte[]>();
        foreach (var message in messages)
        {
            feed.Push(message.Span);
            decoded.Add(ReadAvailable(inflater));
        }

        return decoded;
    }

    /// <summary>Decodes one finished zlib stream (payload compression) with a fresh inflater.</summary>
    public static byte[] InflateWhole(ReadOnlyMemory<byte> message)
    {
        using var input = new MemoryStream(message.ToArray());
        using var inflater = new ZLibStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        inflater.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>Decodes a zstd-stream connection with one <see cref="Decompressor"/>, as twilight does with its DCtx.</summary>
    public static List<byte[]> DecompressZstdStream(IEnumerable<ReadOnlyMemory<byte>> messages)
    {
        using var decompressor = new Decompressor();
        var decoded = new List<byte[]>();
        var chunk = new byte[32 * 1024];
        foreach (var message in messages)
        {
            using var output = new MemoryStream();
            var input = message.Span;
            var consumed = 0;
            while (true)
            {
                var status = decompressor.UnwrapStream(input[consumed..], chunk, out var read, out var written);
                if (status == OperationStatus.InvalidData)
                {
                    throw new InvalidDataException("zstd reported corrupt input.");
                }

                consumed += read;
                output.Write(chunk, 0, written);
                if (consumed == input.Length && written < chunk.Length)
                {
                    break;
                }
            }

            decoded.Add(output.ToArray());
        }

        return decoded;
    }

    /// <summary>Decodes a zstd-stream connection with one <see cref="DecompressionStream"/> over a feed stream.</summary>
    public static List<byte[]> DecompressZstdWithStream(IEnumerable<ReadOnlyMemory<byte>> messages)
    {
        var feed = new FeedStream();
        using var decompressor = new DecompressionStream(feed, bufferSize: 0, checkEndOfStream: false, leaveOpen: true);
        var decoded = new List<byte[]>();
        foreach (var message in messages)
        {
            feed.Push(message.Span);
            decoded.Add(ReadAvailable(decompressor));
        }

        return decoded;
    }

    private static byte[] ReadAvailable(Stream decoder)
    {
        using var output = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = decoder.Read(buffer)) > 0)
        {
            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }
}
