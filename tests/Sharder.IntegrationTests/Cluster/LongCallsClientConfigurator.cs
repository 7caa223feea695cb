using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>Lets a test client wait on one supervisor call that activates thousands of shards (30 min response timeout).</summary>
public sealed class LongCallsClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
        => clientBuilder.Services.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromMinutes(30));
}
