using System.Buffers;

namespace Sharder.Grains.Gateway.Compression;

/// <summary>Enforces the per-message size cap while a decompressor writes into the caller's buffer.</summary>
internal static class DecompressionBudget
{
    /// <summary>Size hint for each output chunk requested from the buffer writer.</summary>
    internal const int OutputChunkBytes = 32 * 1024;

    /// <summary>
    /// Returns an output span that lets the message reach at most one byte past the cap, so a message
    /// over the cap is detected without growing the caller's buffer far beyond it.
    /// </summary>
    public static Span<byte> GetOutputSpan(IBufferWriter<byte> output, long writtenSoFar, int maxMessageBytes)
    {
        var span = output.GetSpan(OutputChunkBytes);
        var allowed = maxMessageBytes - writtenSoFar + 1;
        return allowed < span.Length ? span[..(int)allowed] : span;
    }

    /// <summary>Throws when a message has grown past the cap.</summary>
    public static void EnsureWithinCap(long written, int maxMessageBytes)
    {
        if (written > maxMessageBytes)
        {
            throw new GatewayDecompressionException(
                $"A gateway message decompressed to more than the {maxMessageBytes}-byte cap "
                + "(GatewayOptions.MaxDecompressedMessageBytes).");
        }
    }

    /// <summary>Validates a cap given to a decompressor's constructor.</summary>
    public static void ValidateCap(int maxMessageBytes) =>
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessageBytes);
}
