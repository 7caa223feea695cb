using System.Diagnostics;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>One Identify the <see cref="InMemoryGateway"/> received: the shard and when (a <see cref="Stopwatch"/> timestamp).</summary>
internal readonly record struct IdentifyRecord(int ShardId, long Timestamp);
