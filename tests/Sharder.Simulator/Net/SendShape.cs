namespace Sharder.Simulator.Net;

/// <summary>How one outbound WebSocket message is put on the wire .</summary>
public sealed class SendShape
{
    /// <summary>Split the message into frames of at most this many payload bytes (continuation frames).</summary>
    public int? FragmentSize { get; init; }

    /// <summary>Send a ping control frame after every fragment but the last. Needs <see cref="FragmentSize"/>.</summary>
    public bool PingBetweenFragments { get; init; }
}
