namespace Sharder.Grains.Sink;

/// <summary>The outcome of one batch push.</summary>
/// <param name="Pushed">Events appended to lists; duplicates, filtered event types and dead letters are not counted.</param>
/// <param name="Sequence">The checkpoint's sequence after the batch (-1: none yet): resume from here.</param>
internal readonly record struct PublishResult(int Pushed, long Sequence)
{
    /// <summary>Events that could not be written (their list holds another type) and went to the events dead list.</summary>
    public int DeadLettered { get; init; }

    /// <summary>Whether the checkpoint did not describe the writer and was taken over (resynced marker).</summary>
    public bool Resynced { get; init; }

    /// <summary>Lists the batch pushed to, with their length after the push and what the bound trimmed.</summary>
    public IReadOnlyList<OutputListState> Lists { get; init; } = [];
}
