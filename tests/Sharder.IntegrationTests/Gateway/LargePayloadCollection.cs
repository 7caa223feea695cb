namespace Sharder.IntegrationTests.Gateway;

/// <summary>
/// Scenarios that burn seconds of CPU on one payload run alone, so they neither disturb the timing of
/// other scenarios (heartbeat ACKs) nor get disturbed by them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LargePayloadCollection
{
    public const string Name = "Gateway large payloads";
}
