namespace Sharder.Simulator.Compression;

/// <summary>One gateway message as it goes into a single WebSocket message.</summary>
/// <param name="Data">The bytes to send; owned by the encoder and valid until its next <c>Encode</c> call.</param>
/// <param name="Binary">True for a binary WebSocket message, false for a text one.</param>
public readonly record struct EncodedMessage(ReadOnlyMemory<byte> Data, bool Binary);
