using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Compression;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>
/// A slow or unavailable sink. A sink that is only slow makes the shard stop reading (back-pressure)
/// without losing the connection. A sink that refuses (throws) for longer than the bounded buffer can
/// absorb makes the shard close resumably after <see cref="GatewayOptions.SinkStallTimeout"/>; it does not
/// reconnect while the sink is down, and once the sink recovers it resumes and delivers every event
/// exactly once, without a new Identify.
/// </summary>
/// <remarks>
/// While reading is paused the gateway keeps writing into the socket, so the heartbeats' <c>d</c> trails
/// what the gateway sent by up to the burst size: the oracle's heartbeat allowance is raised to the burst.
/// </remarks>
public sealed class SinkOutageTests(ITestOutputHelper output)
{
    private const int Before = 20;
    private const int Burst = 200;
    private const int After = 20;

    [Theory]
    [MemberData(nameof(CompressionModes.Compressed), MemberType = typeof(CompressionModes))]
    public async Task SlowSink_WithinTheStallTimeout_PausesReadingWithoutReconnecting(GatewayCompression compression)
    {
        await using var scenario = await GatewayScenario.StartAsync(output, compression, configureGateway: o => o.SinkBufferLimit = 16);
        var shard = await scenario.StartReadyShardAsync();

        scenario.Sink.Hold();
        scenario.EmitMessages(Burst);
        await scenario.WaitUntilAsync(() => shard.Status.ReadingPaused, "the shard stopped reading while the sink holds its calls");
        scenario.Sink.Release();
        await scenario.WaitForMessagesAsync(Burst);

        var report = await scenario.AssertLedgerAsync(new() { HeartbeatRaceAllowance = Burst });
        Assert.Equal((1, 0), (report.Identifies, report.Resumes));
        Assert.False(shard.Status.ReadingPaused);
        Assert.Equal(0, shard.Status.TotalReconnects);
        Assert.True(Assert.Single(scenario.Connections).Open);
    }

    [Theory]
    [MemberData(nameof(CompressionModes.Compressed), MemberType = typeof(CompressionModes))]
    public async Task SinkOutage_LongerThanTheBuffer_ClosesResumably_ThenDeliversEveryEventOnce(GatewayCompression compression)
    {
        await using var scenario = await GatewayScenario.StartAsync(output, compression, configureGateway: o =>
        {
            o.SinkBufferLimit = 16;
            o.SinkStallTimeout = TimeSpan.FromMilliseconds(500);
        });
        var shard = await scenario.StartReadyShardAsync();
        scenario.EmitMessages(Before);
        await scenario.WaitForMessagesAsync(Before);

        scenario.Sink.Refusing = true;
        scenario.EmitMessages(Burst);
        // The gateway may see the close frame before the shard has counted its reconnect: wait for both.
        await scenario.WaitUntilAsync(
            () => !scenario.Connections[0].Open && scenario.Connections[0].ClientCloseCode is not null
                && shard.Status.Reconnects.ContainsKey(ReconnectCause.SinkStalled),
            "the shard closed its connection after the stall");
        Assert.Equal(ShardConnection.ResumableCloseCode, scenario.Connections[0].ClientCloseCode);
        Assert.Equal(1, shard.Status.Reconnects.GetValueOrDefault(ReconnectCause.SinkStalled));

        // The shard waits for the sink before it reconnects: more refusals, still one connection.
        var refusals = scenario.Sink.Refusals;
        await scenario.WaitUntilAsync(() => scenario.Sink.Refusals >= refusals + 2, "the sink refused two more retries");
        Assert.Single(scenario.Connections);

        scenario.Sink.Refusing = false;
        await scenario.WaitResumedAsync(shard);
        scenario.EmitMessages(After);
        await scenario.WaitForMessagesAsync(Before + Burst + After);

        var report = await scenario.AssertLedgerAsync(new() { HeartbeatRaceAllowance = Burst });
        Assert.Equal((1, 1), (report.Identifies, report.Resumes));
        Assert.Equal((1, 1), (shard.Status.Identifies, shard.Status.Resumes));
        Assert.Equal(2, scenario.Connections.Count);
    }
}
