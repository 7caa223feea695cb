using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Sharder.Grains.Gateway.Compression;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>
/// F22: a 4 MiB GUILD_CREATE passes every compression mode whole, with no WebSocket or decompression
/// size-limit failure. The heartbeat interval is long here: the simulator queues ACKs behind the
/// payload it is compressing and sending, and this test is about size, not zombie detection.
/// </summary>
[Collection(LargePayloadCollection.Name)]
public sealed class LargePayloadTests(ITestOutputHelper output)
{
    private const int Size = 4 * 1024 * 1024;

    [Theory]
    [MemberData(nameof(CompressionModes.All), MemberType = typeof(CompressionModes))]
    public async Task FourMebibyteGuildCreate_ArrivesWhole(GatewayCompression compression)
    {
        await using var scenario = await GatewayScenario.StartAsync(output, compression, o => o.HeartbeatIntervalMs = 5_000);
        var big = scenario.Simulator.World.AddGuild(guildCreateBytes: Size);

        var clock = Stopwatch.StartNew();
        await scenario.StartReadyShardAsync();
        await scenario.WaitUntilAsync(() => Large(scenario).Count == 1, "the large GUILD_CREATE reached the sink");
        var elapsed = clock.Elapsed;

        var created = Assert.Single(Large(scenario));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"F22 {compression}: {created.Payload.Length / 1048576.0:F2} MiB GUILD_CREATE delivered {elapsed.TotalMilliseconds:F0} ms after start"));
        using (var document = JsonDocument.Parse(created.Payload))
        {
            Assert.Equal(big.Id.ToString(CultureInfo.InvariantCulture), document.RootElement.GetProperty("d").GetProperty("id").GetString());
        }

        Assert.True(Assert.Single(scenario.Connections).Open);
        var report = await scenario.AssertLedgerAsync();
        Assert.Equal((1, 0), (report.Identifies, report.Resumes));
    }

    /// <summary>GUILD_CREATEs of at least 90 % of <see cref="Size"/> (the others are at most 20 KiB).</summary>
    private static List<PublishedDispatch> Large(GatewayScenario scenario) =>
        [.. scenario.Sink.OfType("GUILD_CREATE").Where(g => g.Payload.Length >= Size * 0.9)];
}
