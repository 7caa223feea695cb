namespace Sharder.Grains.Sink;

/// <summary>An output list after a push: its name (without the key prefix), its length and the oldest entries trimmed.</summary>
internal readonly record struct OutputListState(string List, long Length, long Trimmed);
