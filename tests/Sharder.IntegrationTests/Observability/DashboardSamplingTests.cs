using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Sharder.IntegrationTests.Host;
using Sharder.Silo.Extensions;
using Sharder.Silo.Telemetry;

namespace Sharder.IntegrationTests.Observability;

/// <summary>
/// The Orleans Dashboard samples at <c>Telemetry:DashboardInterval</c> instead of every second. The reader's interval
/// is an internal property of the package, so these tests also catch a package update that moves it.
/// </summary>
public sealed class DashboardSamplingTests : IDisposable
{
    private const string Token = "dashboard-sampling-token.MTIzNDU2.sekrit";

    private readonly string _directory = Directory.CreateTempSubdirectory("sharder-dashboard-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_dashboard_package_still_has_the_interval_property_Sharder_sets()
    {
        var hostType = typeof(DashboardOptions).Assembly.GetType(DashboardSampling.HostTypeName, throwOnError: false);
        Assert.NotNull(hostType);
        var property = hostType.GetProperty(DashboardSampling.ExportIntervalPropertyName, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        Assert.NotNull(property);
        Assert.Equal(typeof(int), property.PropertyType);
        Assert.NotNull(property.SetMethod);
    }

    [Theory]
    [InlineData(null, 10_000)]
    [InlineData("00:00:07", 7_000)]
    public async Task The_dashboard_reader_and_statistics_use_the_configured_interval(string? configured, int expectedMs)
    {
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", Token);
        settings["Telemetry:DashboardInterval"] = configured;
        await using var app = TestSiloHost.Build(settings, _directory);
        app.ValidateSharderSettings();

        var hostType = typeof(DashboardOptions).Assembly.GetType(DashboardSampling.HostTypeName, throwOnError: true)!;
        var host = app.Services.GetRequiredService(hostType);
        var interval = hostType.GetProperty(DashboardSampling.ExportIntervalPropertyName, BindingFlags.Instance | BindingFlags.NonPublic)!;

        Assert.Equal(expectedMs, (int)interval.GetValue(host)!);
        Assert.Equal(expectedMs, app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value.CounterUpdateIntervalMs);
        Assert.Same(host, app.Services.GetRequiredService(hostType));
    }

    [Theory]
    [InlineData("00:00:00.500")]
    [InlineData("01:00:00")]
    public async Task An_interval_out_of_range_is_reported_by_its_key(string configured)
    {
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", Token);
        settings["Telemetry:DashboardInterval"] = configured;
        await using var app = TestSiloHost.Build(settings, _directory);

        var exception = Record.Exception(app.ValidateSharderSettings);

        Assert.NotNull(exception);
        Assert.True(StartupFailure.TryDescribe(exception, out var message));
        Assert.Contains("Telemetry:DashboardInterval is", message, StringComparison.Ordinal);
    }
}
