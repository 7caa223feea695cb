namespace Sharder.Client.Messages;

/// <summary>A marker of a kind this library does not know (added after envelope v1): skip it, or read <see cref="Raw"/>.</summary>
public sealed class UnknownMarker : SharderMarker
{
    /// <summary>The whole entry as pushed.</summary>
    public ReadOnlyMemory<byte> Raw { get; init; }
}
