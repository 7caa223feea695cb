using System.Text.Json.Serialization;

namespace Sharder.Grains.Coordination;

/// <summary>Source-generated JSON for the identify ledger stored in Redis.</summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(IdentifyLedgerState))]
internal sealed partial class LedgerJsonContext : JsonSerializerContext;
