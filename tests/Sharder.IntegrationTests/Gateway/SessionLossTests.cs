using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Compression;
using Sharder.Simulator.Faults;
using Sharder.Simulator.Ledger;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>
/// Faults that end the session (F2, F4, F13, F15): the shard must not loop on Resume; it identifies a
/// new session on the bootstrap URL, and the only events lost are the ones Discord itself could not
/// deliver while the shard had no session.
/// </summary>
public sealed class SessionLossTests(ITestOutputHelper output)
{
    private const int Before = 40;
    private const int After = 40;

    /// <summary>
    /// F2: op 9 false mid-session. The shard closes with 1000, identifies a new session (seq restarts);
    /// events produced while it waits for its identify permit are undeliverable, and exactly those.
    /// </summary>
    [Theory]
    [MemberData(nameof(CompressionModes.All), MemberType = typeof(CompressionModes))]
    public async Task InvalidSessionNotResumable_IdentifiesANewSession_AndOnlyTheGapIsLost(GatewayCompression compression)
    {
        const int gap = 25;
        await using var scenario = await GatewayScenario.StartAsync(output, compression);
        var shard = await scenario.StartReadyShardAsync();
        scenario.EmitMessages(Before);
        await scenario.WaitForMessagesAsync(Before);
        var firstSession = shard.Status.SessionId;

        scenario.IdentifyGate.Hold();
        Assert.Equal(1, scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.InvalidSession, Resumable = false }));
        await scenario.WaitUntilAsync(() => scenario.IdentifyGate.Waiting == 1, "the shard waits for a new identify permit");
        scenario.EmitMessages(gap);
        scenario.IdentifyGate.Release();
        await scenario.WaitForNewSessionsAsync(shard, 2);
        scenario.EmitMessages(After);
        await scenario.WaitForMessagesAsync(Before + After);

        var report = await scenario.AssertLedgerAsync(new() { BootstrapListener = GatewayScenario.BootstrapListener });
        Assert.Equal(gap, report.Undeliverable);
        Assert.Equal((2, 0), (report.Identifies, report.Resumes));
        Assert.Equal(ShardConnection.NormalCloseCode, scenario.Connections[0].ClientCloseCode);
        Assert.NotEqual(firstSession, shard.Status.SessionId);
        Assert.Equal(1, scenario.Sink.OfType("READY").Count(r => r.Record.SessionId == shard.Status.SessionId && r.Record.Seq == 1));
    }

    /// <summary>F4: the Resume is answered with op 9 false. The shard identifies on the bootstrap URL, not the resume URL.</summary>
    [Theory]
    [MemberData(nameof(CompressionModes.Compressed), MemberType = typeof(CompressionModes))]
    public async Task ResumeRejected_IdentifiesOnTheBootstrapUrl(GatewayCompression compression)
    {
        await using var scenario = await GatewayScenario.StartAsync(output, compression);
        var shard = await scenario.StartReadyShardAsync();
        scenario.EmitMessages(Before);
        await scenario.WaitForMessagesAsync(Before);

        scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.InvalidSessionOnResume });
        Assert.Equal(1, scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.Close, CloseCode = 4000 }));
        await scenario.WaitForNewSessionsAsync(shard, 2);
        scenario.EmitMessages(After);
        await scenario.WaitForMessagesAsync(Before + After);

        var report = await scenario.AssertLedgerAsync(new() { BootstrapListener = GatewayScenario.BootstrapListener });
        Assert.Equal((2, 0, 1), (report.Identifies, report.Resumes, report.ResumesRejected));
        Assert.Equal((2, 0), (shard.Status.Identifies, shard.Status.Resumes));
        Assert.Equal(
            [GatewayScenario.BootstrapListener, GatewayScenario.ResumeListener, GatewayScenario.BootstrapListener],
            scenario.Connections.Select(c => c.Listener));
        Assert.Equal(ShardConnection.NormalCloseCode, scenario.Connections[1].ClientCloseCode);
    }

    /// <summary>
    /// F13: the session expired while no shard held it. The Resume gets op 9 false and the shard
    /// identifies once: no resume loop. Events buffered for the dead session are never sent (Discord
    /// does not replay across sessions).
    /// </summary>
    [Theory]
    [MemberData(nameof(CompressionModes.Compressed), MemberType = typeof(CompressionModes))]
    public async Task ExpiredSession_ResumeIsRefused_ThenOneIdentify(GatewayCompression compression)
    {
        const int buffered = 5;
        await using var scenario = await GatewayScenario.StartAsync(output, compression);
        var first = await scenario.StartReadyShardAsync();
        scenario.EmitMessages(Before);
        await scenario.WaitForMessagesAsync(Before);
        await first.StopAsync(ShardStopMode.Resumable);
        var session = first.ExportSession();
        Assert.NotNull(session);

        scenario.EmitMessages(buffered);
        Assert.Equal(1, scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.ExpireSession, ShardId = 0 }));
        var second = scenario.StartShard(session: session);
        await scenario.WaitForNewSessionsAsync(second, 2);
        scenario.EmitMessages(After);
        await scenario.WaitForMessagesAsync(Before + After);

        var report = await scenario.AssertLedgerAsync(new() { BootstrapListener = GatewayScenario.BootstrapListener }, expectAllSent: false);
        Assert.Equal((2, 0, 1), (report.Identifies, report.Resumes, report.ResumesRejected));
        Assert.Equal(buffered, report.RoutedNeverSent);
        Assert.Equal((1, 0), (second.Status.Identifies, second.Status.Resumes));
        Assert.Equal(
            [GatewayScenario.BootstrapListener, GatewayScenario.ResumeListener, GatewayScenario.BootstrapListener],
            scenario.Connections.Select(c => c.Listener));
    }

    /// <summary>F15: the Resume's seq is declared invalid (close 4007). The shard identifies instead of retrying the Resume.</summary>
    [Theory]
    [MemberData(nameof(CompressionModes.Compressed), MemberType = typeof(CompressionModes))]
    public async Task InvalidSeqOnResume_IdentifiesInsteadOfLoopingOnResume(GatewayCompression compression)
    {
        await using var scenario = await GatewayScenario.StartAsync(output, compression);
        var shard = await scenario.StartReadyShardAsync();
        scenario.EmitMessages(Before);
        await scenario.WaitForMessagesAsync(Before);

        scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.InvalidSeqOnResume, ShardId = 0 });
        Assert.Equal(1, scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.Fin }));
        await scenario.WaitForNewSessionsAsync(shard, 2);
        scenario.EmitMessages(After);
        await scenario.WaitForMessagesAsync(Before + After);

        var report = await scenario.AssertLedgerAsync(new() { BootstrapListener = GatewayScenario.BootstrapListener });
        Assert.Equal((2, 0), (report.Identifies, report.Resumes));
        Assert.Equal(1, report.CountCloses(byServer: true, 4007));
        Assert.Equal((2, 0), (shard.Status.Identifies, shard.Status.Resumes));
        Assert.Equal(3, scenario.Connections.Count);
        Assert.Equal(GatewayScenario.BootstrapListener, scenario.Connections[2].Listener);
    }

    /// <summary>
    /// F14: a shard resumes a session that was detached while <paramref name="produced"/> events were
    /// produced. Within the replay buffer every one of them is replayed exactly once; beyond it the Resume
    /// is refused (op 9 false) and the shard identifies.
    /// </summary>
    [Theory]
    [InlineData(0, 50_000)]
    [InlineData(1, 50_000)]
    [InlineData(1_000, 50_000)]
    [InlineData(150, 100)]
    public async Task ResumeAfterKEvents_ReplaysThemAll_OrIdentifiesWhenTheReplayBufferOverflowed(int produced, int replayBufferDepth)
    {
        await using var scenario = await GatewayScenario.StartAsync(
            output, GatewayCompression.ZlibStream, o => o.ReplayBufferDepth = replayBufferDepth);
        var first = await scenario.StartReadyShardAsync();
        scenario.EmitMessages(Before);
        await scenario.WaitForMessagesAsync(Before);
        await first.StopAsync(ShardStopMode.Resumable);

        scenario.EmitMessages(produced);
        var second = scenario.StartShard(session: first.ExportSession());
        var overflowed = produced > replayBufferDepth;
        if (overflowed)
        {
            await scenario.WaitForNewSessionsAsync(second, 2);
        }
        else
        {
            await scenario.WaitResumedAsync(second);
        }

        scenario.EmitMessages(After);
        await scenario.WaitForMessagesAsync(Before + (overflowed ? 0 : produced) + After);

        // An overflowed replay buffer is a loss Discord causes, but the oracle only excuses injected
        // faults, so "resume when possible" is switched off for that case alone.
        var options = new InvariantOptions { RequireResumeWhenPossible = !overflowed };
        var report = await scenario.AssertLedgerAsync(options, expectAllSent: !overflowed);
        if (overflowed)
        {
            Assert.Equal((2, 0, 1), (report.Identifies, report.Resumes, report.ResumesRejected));
            Assert.Equal(produced, report.RoutedNeverSent);
            Assert.Equal((1, 0), (second.Status.Identifies, second.Status.Resumes));
        }
        else
        {
            Assert.Equal((1, 1, 0), (report.Identifies, report.Resumes, report.ResumesRejected));
            Assert.Equal(produced, report.Replayed);
            Assert.Equal((0, 1), (second.Status.Identifies, second.Status.Resumes));
        }
    }
}
