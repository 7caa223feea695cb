using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Sharder.Grains.Gateway.Transport;
using Sharder.Grains.Hosting;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// Configures a test silo as production does, except that shards connect to the <see cref="InMemoryGateway"/>
/// named by <see cref="InMemoryGateway.SettingName"/> instead of opening WebSockets. Registered before
/// <c>AddSharder</c>, whose own transport registration only fills the slot when it is empty.
/// </summary>
public sealed class InMemoryGatewaySiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        var name = siloBuilder.Configuration[InMemoryGateway.SettingName]
            ?? throw new InvalidOperationException($"{InMemoryGateway.SettingName} is not set.");
        siloBuilder.Services.AddSingleton<IGatewayTransportFactory>(InMemoryGateway.Find(name));
        siloBuilder.AddSharder(siloBuilder.Configuration);
    }
}
