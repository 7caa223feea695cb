using System.Text.Json;

namespace Sharder.Simulator.Tests.RawClient;

/// <summary>One decoded gateway frame as the raw test client saw it.</summary>
/// <param name="Binary">True when the (last) WebSocket message carrying it was binary.</param>
/// <param name="Wire">The bytes of the gateway message as they came off the wire (all pieces of a split zlib message).</param>
/// <param name="WsMessages">How many WebSocket messages carried it (more than one for a split zlib message).</param>
internal sealed record RawFrame(int Op, string? Type, long? Seq, JsonElement Data, string Json, bool Binary = false, byte[]? Wire = null, int WsMessages = 1);
