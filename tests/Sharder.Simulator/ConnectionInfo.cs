using Sharder.Simulator.Compression;
using Sharder.Simulator.Gateway;

namespace Sharder.Simulator;

/// <summary>A connection as the control API shows it .</summary>
public sealed record ConnectionInfo(long Id, string Listener, bool Open, ConnectionState State, int ShardId, string? SessionId,
    TransportCompression Compression, bool PayloadCompression, long BytesIn, long BytesOut, long HighestSentSeq,
    long? LastHeartbeatSeq, int CommandPeak, int? ServerCloseCode, int? ClientCloseCode, bool EndedWithoutCloseFrame,
    DateTimeOffset ConnectedAt, string Path, string? UserAgent);
