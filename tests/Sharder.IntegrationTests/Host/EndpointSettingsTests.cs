using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Sharder.Silo.Extensions;

namespace Sharder.IntegrationTests.Host;

/// <summary>The Orleans client gateway is off unless a port is configured; a configured one listens as before.</summary>
public sealed class EndpointSettingsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sharder-endpoints-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Without_a_gateway_port_the_silo_has_no_client_gateway()
    {
        await using var app = TestSiloHost.Build(TestSiloHost.ValidSettings("127.0.0.1:6379", "endpoint-token.sekrit"), _directory);

        var endpoints = app.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;

        Assert.Equal(0, endpoints.GatewayPort);
        Assert.Null(endpoints.GatewayListeningEndpoint);
    }

    [Fact]
    public async Task A_configured_gateway_port_listens_beside_the_silo_port()
    {
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", "endpoint-token.sekrit");
        var port = TestSiloHost.FreePort();
        settings["SHARDER_GATEWAY_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var app = TestSiloHost.Build(settings, _directory);

        var endpoints = app.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), endpoints.GatewayListeningEndpoint);
    }

    [Fact]
    public async Task A_negative_gateway_port_names_the_setting_and_says_zero_turns_it_off()
    {
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", "endpoint-token.sekrit");
        settings["SHARDER_GATEWAY_PORT"] = "-1";
        await using var app = TestSiloHost.Build(settings, _directory);

        var exception = Record.Exception(app.ValidateSharderSettings);

        Assert.NotNull(exception);
        Assert.True(StartupFailure.TryDescribe(exception, out var message));
        Assert.Contains("Cluster:GatewayPort (SHARDER_GATEWAY_PORT) is -1", message, StringComparison.Ordinal);
        Assert.Contains("0 (the default) for no client gateway", message, StringComparison.Ordinal);
    }
}
