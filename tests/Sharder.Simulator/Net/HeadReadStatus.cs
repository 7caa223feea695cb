namespace Sharder.Simulator.Net;

/// <summary>How reading an HTTP request head ended.</summary>
internal enum HeadReadStatus
{
    Complete,
    ConnectionClosed,
    TooLarge,
}
