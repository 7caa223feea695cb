using System.Text.Json.Serialization;

namespace Sharder.Grains.Gateway.Protocol;

/// <summary>Source-generated metadata for the few gateway payloads the client fully reads.</summary>
[JsonSourceGenerationOptions(
    GenerationMode = JsonSourceGenerationMode.Metadata,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(HelloData))]
[JsonSerializable(typeof(ReadyData))]
[JsonSerializable(typeof(bool))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
