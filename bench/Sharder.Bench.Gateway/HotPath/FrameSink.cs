using Sharder.Grains.Sink;

namespace Sharder.Bench.Gateway.HotPath;

/// <summary>
/// Stands in for the shard's sink channel: it takes ownership of each payload copy, as a
/// <c>ShardDispatch</c> does, and keeps only the latest so the copies become garbage at the rate real ones would.
/// </summary>
internal sealed class FrameSink
{
    private byte[] _latest = [];

    public long Count { get; private set; }

    /// <summary>Bytes of the latest payload; reading it keeps the copy observable.</summary>
    public int LatestLength => _latest.Length;

    public void Accept(byte[] payload)
    {
        _latest = payload;
        Count++;
    }

    public void Clear()
    {
        _latest = [];
        Count = 0;
    }
}
