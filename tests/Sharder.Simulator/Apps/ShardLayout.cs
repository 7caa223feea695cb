using System.Collections.Immutable;
using Sharder.Simulator.Sessions;

namespace Sharder.Simulator.Apps;

/// <summary>Immutable routing snapshot for one <c>num_shards</c> value: the sessions of each shard.</summary>
internal sealed record ShardLayout(int NumShards, ImmutableArray<ImmutableArray<SimSession>> ByShard);
