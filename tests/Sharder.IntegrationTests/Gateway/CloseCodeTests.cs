using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Compression;
using Sharder.Simulator.Faults;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>
/// F12: the gateway closes an active session with each code of GP §7.1, and the shard acts as the
/// decision table says. The expectations are written out here, independently of the client's
/// <c>CloseCodePolicy</c>:
/// <list type="bullet">
/// <item>4000, 4002, 4005, 4006, 4008, 1001, 1011 keep the session: resume, no Identify.</item>
/// <item>4001, 4003, 4007, 4009 and a server 1000 end it: a new session (Identify) on the bootstrap URL.</item>
/// <item>4004, 4010–4014 are fatal: FatallyClosed, no reconnect.</item>
/// </list>
/// 4006 ("session resumed elsewhere", not sent by v10) is tested with the one shard that holds the
/// session; <see cref="ShardFleetTests"/> checks that a shard never holds a session on two sockets.
/// </summary>
public sealed class CloseCodeTests(ITestOutputHelper output)
{
    private const int Before = 40;
    private const int After = 40;

    public static TheoryData<int, GatewayCompression> ResumableCodes =>
        CompressionModes.Cross([4000, 4002, 4005, 4006, 4008, 1001, 1011], includeNone: false);

    public static TheoryData<int, GatewayCompression> NewSessionCodes =>
        CompressionModes.Cross([4001, 4003, 4007, 4009, 1000], includeNone: false);

    public static TheoryData<int> FatalCodes => [4004, 4010, 4011, 4012, 4013, 4014];

    [Theory]
    [MemberData(nameof(ResumableCodes))]
    public async Task ServerClose_WithAResumableCode_ResumesTheSession(int code, GatewayCompression compression)
    {
        await using var scenario = await GatewayScenario.StartAsync(output, compression);
        var shard = await scenario.StartReadyShardAsync();
        scenario.EmitMessages(Before);
        await scenario.WaitForMessagesAsync(Before);

        Assert.Equal(1, scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.Close, CloseCode = code }));
        await scenario.WaitResumedAsync(shard);
        scenario.EmitMessages(After);
        await scenario.WaitForMessagesAsync(Before + After);

        var report = await scenario.AssertLedgerAsync();
        Assert.Equal((1, 1, 0), (report.Identifies, report.Resumes, report.ResumesRejected));
        Assert.Equal(1, report.CountCloses(byServer: true, code));
        Assert.Equal((1, 1), (shard.Status.Identifies, shard.Status.Resumes));
        Assert.Equal(code, shard.Status.LastCloseCode);
        Assert.Equal(
            [GatewayScenario.BootstrapListener, GatewayScenario.ResumeListener],
            scenario.Connections.Select(c => c.Listener));
    }

    [Theory]
    [MemberData(nameof(NewSessionCodes))]
    public async Task ServerClose_WithASessionEndingCode_IdentifiesANewSessionOnTheBootstrapUrl(int code, GatewayCompression compression)
    {
        await using var scenario = await GatewayScenario.StartAsync(output, compression);
        var shard = await scenario.StartReadyShardAsync();
        scenario.EmitMessages(Before);
        await scenario.WaitForMessagesAsync(Before);
        var firstSession = shard.Status.SessionId;

        Assert.Equal(1, scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.Close, CloseCode = code }));
        await scenario.WaitForNewSessionsAsync(shard, 2);
        scenario.EmitMessages(After);
        await scenario.WaitForMessagesAsync(Before + After);

        var report = await scenario.AssertLedgerAsync(new() { BootstrapListener = GatewayScenario.BootstrapListener });
        Assert.Equal((2, 0), (report.Identifies, report.Resumes));
        Assert.Equal(0, report.Undeliverable);
        Assert.Equal((2, 0), (shard.Status.Identifies, shard.Status.Resumes));
        Assert.NotEqual(firstSession, shard.Status.SessionId);
        Assert.Equal(
            [GatewayScenario.BootstrapListener, GatewayScenario.BootstrapListener],
            scenario.Connections.Select(c => c.Listener));

        var restart = scenario.Sink.SessionStarts[^1];
        Assert.Equal(firstSession, restart.Replaced?.SessionId);
    }

    [Theory]
    [MemberData(nameof(FatalCodes))]
    public async Task ServerClose_WithAFatalCode_StopsTheShardWithoutReconnecting(int code)
    {
        await using var scenario = await GatewayScenario.StartAsync(output, GatewayCompression.ZlibStream);
        var shard = await scenario.StartReadyShardAsync();

        Assert.Equal(1, scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.Close, CloseCode = code }));
        var fatal = await Assert.ThrowsAsync<GatewayFatalCloseException>(() => shard.Completion.WaitAsync(GatewayScenario.WaitTimeout));

        // Completion means the run loop is over: nothing can open another connection after this point.
        Assert.Equal(code, fatal.CloseCode);
        Assert.Equal(GatewayState.FatallyClosed, shard.State);
        Assert.Equal(1, shard.Status.Identifies);
        Assert.Single(scenario.Connections);
        Assert.Null(shard.ExportSession());
    }
}
