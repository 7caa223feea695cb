using System.Text.Json.Serialization;

namespace Sharder.Grains.Gateway.Protocol;

/// <summary>The two members of the READY dispatch the shard needs to resume later; the rest is forwarded raw.</summary>
internal sealed record ReadyData(
    [property: JsonPropertyName("session_id")] string SessionId,
    [property: JsonPropertyName("resume_gateway_url")] string ResumeGatewayUrl);
