using Orleans.TestingHost;
using Sharder.Grains.Hosting;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>Configures every test silo exactly as production does, from the cluster's host configuration.</summary>
public sealed class SharderSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddSharder(siloBuilder.Configuration);
}
