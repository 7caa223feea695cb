namespace Sharder.Grains.Sink;

/// <summary>The outcome of a lifecycle marker.</summary>
/// <param name="Pushed">Whether the marker itself was pushed (a retry or the first session pushes none).</param>
/// <param name="StartId">The session start the checkpoint now belongs to; null when unknown.</param>
/// <param name="Sequence">The checkpoint's sequence afterwards; -1 when none was pushed yet.</param>
/// <param name="Resynced">Whether the checkpoint did not describe the shard and was taken over (resynced marker).</param>
internal readonly record struct MarkerResult(bool Pushed, string? StartId, long Sequence, bool Resynced);
