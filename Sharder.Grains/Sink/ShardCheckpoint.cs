using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Sink;

/// <summary>
/// What Redis holds for a shard in <c>{prefix}:shard:{id}:checkpoint</c>: the session whose events were
/// pushed, at the last sequence pushed (or skipped by the event filter), with its resume URL, and the fencing
/// epoch of the activation that wrote it. A shard that restarts RESUMEs from here, so nothing is pushed twice
/// or skipped. A session start with nothing pushed yet has no sequence in Redis (any sequence, 0 included, is
/// taken next); it reads as 0.
/// </summary>
internal sealed record ShardCheckpoint(ShardSession Session, long Epoch);
