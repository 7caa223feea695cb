namespace Sharder.Simulator.Net;

/// <summary>Outcome of reading an HTTP request head; <see cref="Leftover"/> holds bytes read past it.</summary>
internal readonly record struct HeadReadResult(HeadReadStatus Status, ReadOnlyMemory<byte> Head, ReadOnlyMemory<byte> Leftover);
