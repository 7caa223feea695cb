namespace Sharder.Grains.Sink;

/// <summary>The outcome of one batch push.</summary>
/// <param name="Pushed">Events appended to lists; duplicates and filtered event types are not counted.</param>
/// <param name="Sequence">The checkpoint's sequence after the batch: resume from here.</param>
internal readonly record struct PublishResult(int Pushed, long Sequence);
