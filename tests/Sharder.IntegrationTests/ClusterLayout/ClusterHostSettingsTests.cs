using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sharder.Grains.Commands;
using Sharder.Grains.Sink;
using Sharder.IntegrationTests.Host;
using Sharder.Silo.Extensions;

namespace Sharder.IntegrationTests.ClusterLayout;

/// <summary>Redis:Output:KeyLayout in a silo: the command keys follow it, and a combination it cannot serve stops the start.</summary>
public sealed class ClusterHostSettingsTests : IDisposable
{
    private const string Token = "cluster-settings-token.MTIzNDU2.sekrit";

    private readonly string _directory = Directory.CreateTempSubdirectory("sharder-cluster-host-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("Cluster", null, RedisKeyLayout.Cluster)]
    [InlineData("Cluster", "Standalone", RedisKeyLayout.Standalone)]
    [InlineData(null, null, RedisKeyLayout.Standalone)]
    public async Task Command_keys_follow_the_output_key_layout_unless_set_on_their_own(string? output, string? commands, RedisKeyLayout expected)
    {
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", Token);
        if (output is not null) settings["Redis:Output:KeyLayout"] = output;
        if (commands is not null) settings["Redis:Commands:KeyLayout"] = commands;
        await using var app = TestSiloHost.Build(settings, _directory);

        Assert.Equal(expected, app.Services.GetRequiredService<IOptions<CommandPumpOptions>>().Value.KeyLayout);
    }

    [Fact]
    public async Task Cluster_with_sharder_binary_stops_the_start_naming_both_settings()
    {
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", Token);
        settings["Redis:Output:KeyLayout"] = "Cluster";
        settings["Redis:Output:Format"] = "SharderBinary";
        await using var app = TestSiloHost.Build(settings, _directory);

        var exception = Record.Exception(app.ValidateSharderSettings);

        Assert.NotNull(exception);
        Assert.True(StartupFailure.TryDescribe(exception, out var message));
        Assert.Contains("Redis:Output:KeyLayout is Cluster", message, StringComparison.Ordinal);
        Assert.Contains("Redis:Output:Format", message, StringComparison.Ordinal);
    }
}
