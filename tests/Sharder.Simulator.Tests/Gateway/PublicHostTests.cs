using System.Net;

namespace Sharder.Simulator.Tests.Gateway;

/// <summary>
/// <c>--public-host</c>: the simulator in a container, reached by other containers under a host name (compose).
/// </summary>
public sealed class PublicHostTests
{
    [Fact]
    public async Task By_default_every_url_names_loopback()
    {
        await using var simulator = await SimulatorHarness.StartAsync();

        Assert.StartsWith("http://127.0.0.1:", simulator.RestUrl, StringComparison.Ordinal);
        Assert.StartsWith("ws://127.0.0.1:", simulator.GatewayUrl, StringComparison.Ordinal);
        Assert.All(simulator.ResumeUrls, url => Assert.StartsWith("ws://127.0.0.1:", url, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_public_host_is_in_every_url_handed_out_and_answers_on_every_interface()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.PublicHost = "localhost");
        using var http = new HttpClient();

        Assert.Equal($"http://localhost:{simulator.Port}/api", simulator.RestUrl);
        Assert.Equal($"ws://localhost:{simulator.Port}", simulator.GatewayUrl);
        Assert.All(simulator.ResumeUrls, url => Assert.StartsWith("ws://localhost:", url, StringComparison.Ordinal));
        using var response = await http.GetAsync($"http://127.0.0.1:{simulator.Port}/api/v10/gateway");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($$"""{"url":"ws://localhost:{{simulator.Port}}"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void The_command_line_sets_it_and_a_malformed_host_is_refused()
    {
        var (options, _) = CommandLine.Parse(["--public-host", "simulator"]);
        Assert.Equal("simulator", options.PublicHost);

        var error = Assert.Throws<ArgumentException>(() => CommandLine.Parse(["--public-host", "not a host"]));
        Assert.Contains("PublicHost", error.Message, StringComparison.Ordinal);
    }
}
