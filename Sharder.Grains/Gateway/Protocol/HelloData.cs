using System.Text.Json.Serialization;

namespace Sharder.Grains.Gateway.Protocol;

/// <summary>The <c>d</c> of Hello (op 10). Other members (such as <c>_trace</c>) are ignored.</summary>
internal sealed record HelloData(
    [property: JsonPropertyName("heartbeat_interval")] long HeartbeatIntervalMilliseconds);
