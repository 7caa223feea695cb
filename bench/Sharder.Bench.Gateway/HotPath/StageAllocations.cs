namespace Sharder.Bench.Gateway.HotPath;

/// <summary>Managed bytes allocated inside <c>Decompress</c> and inside <c>TryPeek</c>, over <see cref="Frames"/> frames.</summary>
/// <param name="ConnectionStartBytes">Bytes allocated by <c>Reset</c> plus the first message: once per connection, not per frame.</param>
internal readonly record struct StageAllocations(int Frames, long DecompressBytes, long PeekBytes, long ConnectionStartBytes);
