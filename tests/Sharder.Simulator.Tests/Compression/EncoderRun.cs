using Sharder.Simulator.Compression;

namespace Sharder.Simulator.Tests.Compression;

/// <summary>Encodes a message sequence on one connection's encoder, copying each result (it is only valid until the next call).</summary>
internal static class EncoderRun
{
    public static List<EncodedCopy> EncodeAll(IGatewayEncoder encoder, IEnumerable<byte[]> jsonMessages)
    {
        var encoded = new List<EncodedCopy>();
        foreach (var json in jsonMessages)
        {
            var message = encoder.Encode(json);
            encoded.Add(new EncodedCopy(message.Data.ToArray(), message.Binary));
        }

        return encoded;
    }

    public static List<ReadOnlyMemory<byte>> Data(this IEnumerable<EncodedCopy> encoded) =>
        encoded.Select(e => (ReadOnlyMemory<byte>)e.Data).ToList();
}
