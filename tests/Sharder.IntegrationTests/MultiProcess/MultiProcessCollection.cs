using Sharder.TestKit.Redis;

namespace Sharder.IntegrationTests.MultiProcess;

/// <summary>
/// Silo processes compete for the machine's cores with everything else the test run does; these scenarios
/// run alone (after the parallel collections) on their own redis-server, so their heartbeats and identify
/// slots are not starved by unrelated tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MultiProcessCollection : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "Multi-process silos";
}
