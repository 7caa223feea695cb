namespace Sharder.Simulator.Tests.Compression;

/// <summary>An encoder result copied out of the encoder's reusable buffer.</summary>
internal sealed record EncodedCopy(byte[] Data, bool Binary);
