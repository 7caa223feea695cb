using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Compression;
using Sharder.Simulator.Faults;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>
/// Connection set-up faults: F25 (refused TCP, HTTP 503, a handshake that never completes, no Hello),
/// F1b (op 7 instead of Hello) and F26 (READY withheld). The shard retries with backoff until it gets
/// through, on the URL it was heading for, and never spends an Identify on a connection without Hello.
/// </summary>
public sealed class ConnectFaultTests(ITestOutputHelper output)
{
    private const int FailedAttempts = 2;
    // Short so hung handshakes fail fast, but not so short that a test process stalled for a moment (JIT, a
    // busy two-core machine) fails a healthy first handshake.
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromMilliseconds(1_200);

    public static TheoryData<FaultKind, bool> SetupFaults
    {
        get
        {
            var data = new TheoryData<FaultKind, bool>();
            foreach (var kind in new[] { FaultKind.RefuseTcp, FaultKind.ServiceUnavailable, FaultKind.HangHandshake, FaultKind.NoHello })
            {
                data.Add(kind, false);
                data.Add(kind, true);
            }

            return data;
        }
    }

    /// <summary>F25: the first connection attempts fail; the shard gets through without burning an Identify.</summary>
    /// <param name="kind">How each failing attempt fails.</param>
    /// <param name="whileResuming">Fail the attempts on the resume URL of a live session instead of the first connect.</param>
    [Theory]
    [MemberData(nameof(SetupFaults))]
    public async Task FailingConnects_TheShardRetriesUntilItGetsThrough_WithoutAnExtraIdentify(FaultKind kind, bool whileResuming)
    {
        await using var scenario = await GatewayScenario.StartAsync(output, GatewayCompression.ZlibStream, configureGateway: ShortTimeouts);
        var listener = whileResuming ? GatewayScenario.ResumeListener : GatewayScenario.BootstrapListener;
        var budget = scenario.Simulator.IdentifyBudgetRemaining;
        ShardConnection shard;
        if (whileResuming)
        {
            shard = await scenario.StartReadyShardAsync();
            scenario.Simulator.Inject(new FaultSpec { Kind = kind, Count = FailedAttempts, Listener = listener });
            scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.Close, CloseCode = 4000 });
            await scenario.WaitResumedAsync(shard);
        }
        else
        {
            scenario.Simulator.Inject(new FaultSpec { Kind = kind, Count = FailedAttempts, Listener = listener });
            shard = await scenario.StartReadyShardAsync();
        }

        scenario.EmitMessages(20);
        await scenario.WaitForMessagesAsync(20);
        var report = await scenario.AssertLedgerAsync();

        var cause = kind == FaultKind.NoHello ? ReconnectCause.HelloTimeout : ReconnectCause.ConnectFailed;
        Assert.Equal(FailedAttempts, shard.Status.Reconnects.GetValueOrDefault(cause));
        Assert.Equal((1, whileResuming ? 1 : 0), (shard.Status.Identifies, shard.Status.Resumes));
        Assert.Equal((1, whileResuming ? 1 : 0), (report.Identifies, report.Resumes));
        Assert.Equal(budget - 1, scenario.Simulator.IdentifyBudgetRemaining);
        Assert.Equal(1 + FailedAttempts + (whileResuming ? 1 : 0), scenario.Transports.Created);

        // Only a connection that got Hello carried a payload (Identify or Resume); the others stayed silent.
        var onListener = scenario.Connections.Where(c => c.Listener == listener).ToList();
        var silent = onListener.Count(c => scenario.Simulator.Transcript(c.Id).All(e => !e.Inbound));
        var expectedSilent = kind == FaultKind.NoHello ? FailedAttempts : 0;
        Assert.Equal((expectedSilent + 1, expectedSilent), (onListener.Count, silent));
    }

    /// <summary>F1b: op 7 arrives instead of Hello. The shard reconnects and does what it was about to do: identify, or resume.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReconnectInsteadOfHello_TheShardReconnects_AndIdentifiesOrResumes(bool whileResuming)
    {
        await using var scenario = await GatewayScenario.StartAsync(output, GatewayCompression.ZlibStream, configureGateway: ShortTimeouts);
        var listener = whileResuming ? GatewayScenario.ResumeListener : GatewayScenario.BootstrapListener;
        ShardConnection shard;
        if (whileResuming)
        {
            shard = await scenario.StartReadyShardAsync();
            scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.ReconnectInsteadOfHello, Listener = listener });
            scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.Fin });
            await scenario.WaitResumedAsync(shard);
        }
        else
        {
            scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.ReconnectInsteadOfHello, Listener = listener });
            shard = await scenario.StartReadyShardAsync();
        }

        scenario.EmitMessages(20);
        await scenario.WaitForMessagesAsync(20);
        var report = await scenario.AssertLedgerAsync();

        Assert.Equal(1, shard.Status.Reconnects.GetValueOrDefault(ReconnectCause.ReconnectRequested));
        Assert.Equal((1, whileResuming ? 1 : 0), (shard.Status.Identifies, shard.Status.Resumes));
        Assert.Equal((1, whileResuming ? 1 : 0), (report.Identifies, report.Resumes));
        Assert.Equal(2, scenario.Connections.Count(c => c.Listener == listener));
    }

    /// <summary>F26: READY is withheld after Identify. The shard keeps heartbeating and waits; it does not identify again.</summary>
    [Fact]
    public async Task ReadyWithheld_TheShardKeepsHeartbeatingAndWaits()
    {
        // Five intervals for at least two beats: a loaded test machine may stall this process for a second.
        const int withheldMs = GatewayScenario.FastHeartbeatIntervalMs * 5;
        await using var scenario = await GatewayScenario.StartAsync(
            output, GatewayCompression.ZlibStream, o => o.HeartbeatIntervalMs = GatewayScenario.FastHeartbeatIntervalMs);
        scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.WithholdReady, ShardId = 0, DelayMs = withheldMs });

        var shard = await scenario.StartReadyShardAsync();

        var connection = Assert.Single(scenario.Connections);
        var ledger = scenario.Simulator.Ledger.Snapshot();
        var readySentAt = ledger.Sent.Single(s => s.Seq == 1).At;
        var beatsWhileWaiting = ledger.Heartbeats.Count(h => h.ConnectionId == connection.Id && h.At < readySentAt);
        Assert.True(beatsWhileWaiting >= 2, $"the shard heartbeated while READY was withheld ({beatsWhileWaiting} beats)");
        Assert.Equal((1, 0), (shard.Status.Identifies, shard.Status.TotalReconnects));
        var report = await scenario.AssertLedgerAsync();
        Assert.Equal(1, report.Identifies);
    }

    private static void ShortTimeouts(GatewayOptions options)
    {
        options.HandshakeTimeout = ShortTimeout;
        options.HelloTimeout = ShortTimeout;
    }
}
