using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Compression;
using Sharder.Simulator.Faults;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>
/// F28: resume URL use. With <c>StrictResumeUrl</c> on, a Resume on the bootstrap URL would get op 9
/// false, so every Resume must arrive on the session's <c>resume_gateway_url</c> listener and every
/// Identify on the bootstrap listener.
/// </summary>
public sealed class ResumeUrlTests(ITestOutputHelper output)
{
    private const int Batch = 20;

    [Theory]
    [MemberData(nameof(CompressionModes.Compressed), MemberType = typeof(CompressionModes))]
    public async Task StrictResumeUrl_EveryResumeArrivesOnTheResumeListener(GatewayCompression compression)
    {
        FaultSpec[] faults =
        [
            new() { Kind = FaultKind.Reconnect },
            new() { Kind = FaultKind.Fin },
            new() { Kind = FaultKind.InvalidSession, Resumable = true },
        ];
        await using var scenario = await GatewayScenario.StartAsync(output, compression, o => o.StrictResumeUrl = true);
        var shard = await scenario.StartReadyShardAsync();
        scenario.EmitMessages(Batch);
        await scenario.WaitForMessagesAsync(Batch);

        for (var i = 0; i < faults.Length; i++)
        {
            Assert.Equal(1, scenario.Simulator.Inject(faults[i]));
            await scenario.WaitResumedAsync(shard, i + 1);
            scenario.EmitMessages(Batch);
            await scenario.WaitForMessagesAsync(Batch * (i + 2));
        }

        var report = await scenario.AssertLedgerAsync(new() { BootstrapListener = GatewayScenario.BootstrapListener });
        Assert.Equal((1, faults.Length, 0), (report.Identifies, report.Resumes, report.ResumesRejected));
        Assert.Equal(
            [GatewayScenario.BootstrapListener, .. Enumerable.Repeat(GatewayScenario.ResumeListener, faults.Length)],
            scenario.Connections.Select(c => c.Listener));
    }

    /// <summary>
    /// The resume listener refuses connections: after <see cref="ShardConnection.ResumeUrlFailureLimit"/>
    /// failed attempts the shard resumes through the bootstrap URL (accepted while the strict check is off).
    /// </summary>
    [Fact]
    public async Task UnreachableResumeUrl_AfterTheFailureLimit_TheShardResumesThroughTheBootstrapUrl()
    {
        await using var scenario = await GatewayScenario.StartAsync(output, GatewayCompression.ZlibStream);
        var shard = await scenario.StartReadyShardAsync();
        scenario.EmitMessages(Batch);
        await scenario.WaitForMessagesAsync(Batch);

        scenario.Simulator.Inject(new FaultSpec
        {
            Kind = FaultKind.RefuseTcp,
            Count = ShardConnection.ResumeUrlFailureLimit,
            Listener = GatewayScenario.ResumeListener,
        });
        Assert.Equal(1, scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.Close, CloseCode = 4000 }));
        await scenario.WaitResumedAsync(shard);
        scenario.EmitMessages(Batch);
        await scenario.WaitForMessagesAsync(Batch * 2);

        var report = await scenario.AssertLedgerAsync();
        Assert.Equal((1, 1), (report.Identifies, report.Resumes));
        Assert.Equal(ShardConnection.ResumeUrlFailureLimit, shard.Status.Reconnects.GetValueOrDefault(ReconnectCause.ConnectFailed));
        Assert.Equal(
            [GatewayScenario.BootstrapListener, GatewayScenario.BootstrapListener],
            scenario.Connections.Select(c => c.Listener));
        Assert.Equal(shard.Status.SessionId, scenario.Connections[1].SessionId);
    }
}
