using System.Text.Json.Serialization;

namespace Sharder.Client.Messages;

/// <summary>Source-generated metadata for the markers and dead entries (no reflection; trimming-safe).</summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ResumedMarker))]
[JsonSerializable(typeof(ReidentifiedMarker))]
[JsonSerializable(typeof(ResyncedMarker))]
[JsonSerializable(typeof(TrimmedMarker))]
[JsonSerializable(typeof(DeadEvent))]
internal sealed partial class SharderJsonContext : JsonSerializerContext;
