using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Compression;
using Sharder.Simulator.Faults;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>
/// Faults after which Discord keeps the session (F1, F3, F5–F8, F24): the shard must reconnect to the
/// session's resume URL, send Resume (never Identify), and the sink must end with every event exactly
/// once, the ones produced during the outage included (they are replayed). Run per compression mode.
/// </summary>
/// <remarks>
/// F8 policy: the shard is docs-compliant (see <c>HeartbeatMonitor</c>): a heartbeat without an ACK
/// before the next one is a zombie connection even while dispatches flow, so ACK starvation ends in a
/// resume, unlike twilight, which counts any inbound frame as liveness.
/// </remarks>
public sealed class ResumableFaultTests(ITestOutputHelper output)
{
    private const int Before = 100;
    private const int During = 50;
    private const int After = 50;

    public static TheoryData<ResumableFault, GatewayCompression> Cases
    {
        get
        {
            var data = CompressionModes.Cross(Enum.GetValues<ResumableFault>().Where(f => f != ResumableFault.CorruptCompression), includeNone: true);
            foreach (var compression in CompressionModes.Compressed)
            {
                // Corruption needs compressed frames: with no compression there is nothing to corrupt.
                data.Add(ResumableFault.CorruptCompression, compression);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ResumableFault_ResumesOnTheResumeUrl_AndDeliversEveryEventExactlyOnce(ResumableFault fault, GatewayCompression compression)
    {
        // Zombie detection takes one to two heartbeat intervals.
        var zombie = fault is ResumableFault.Blackhole or ResumableFault.AckStarvation;
        await using var scenario = await GatewayScenario.StartAsync(
            output, compression, o => o.HeartbeatIntervalMs = zombie ? GatewayScenario.FastHeartbeatIntervalMs : GatewayScenario.HeartbeatIntervalMs);
        var shard = await scenario.StartReadyShardAsync();
        scenario.EmitMessages(Before);
        await scenario.WaitForMessagesAsync(Before);

        Assert.Equal(1, scenario.Simulator.Inject(Spec(fault)));
        scenario.EmitMessages(During);
        await scenario.WaitResumedAsync(shard);
        scenario.EmitMessages(After);
        await scenario.WaitForMessagesAsync(Before + During + After);

        var report = await scenario.AssertLedgerAsync();
        Assert.Equal((1, 1, 0), (report.Identifies, report.Resumes, report.ResumesRejected));
        Assert.Equal(0, report.Undeliverable);
        Assert.Equal((1, 1), (shard.Status.Identifies, shard.Status.Resumes));
        Assert.Equal(1, shard.Status.Reconnects.GetValueOrDefault(ExpectedCause(fault)));
        Assert.Equal(1, shard.Status.TotalReconnects);

        var connections = scenario.Connections;
        Assert.Equal(2, connections.Count);
        Assert.Equal(GatewayScenario.BootstrapListener, connections[0].Listener);
        Assert.Equal(GatewayScenario.ResumeListener, connections[1].Listener);
        if (ClosesItself(fault))
        {
            // A close the shard starts itself must keep the session: never 1000/1001.
            Assert.Equal(ShardConnection.ResumableCloseCode, connections[0].ClientCloseCode);
        }
    }

    private static FaultSpec Spec(ResumableFault fault) => fault switch
    {
        ResumableFault.Reconnect => new FaultSpec { Kind = FaultKind.Reconnect },
        ResumableFault.InvalidSessionResumable => new FaultSpec { Kind = FaultKind.InvalidSession, Resumable = true },
        ResumableFault.Fin => new FaultSpec { Kind = FaultKind.Fin },
        ResumableFault.Rst => new FaultSpec { Kind = FaultKind.Rst },
        ResumableFault.Blackhole => new FaultSpec { Kind = FaultKind.Blackhole },
        ResumableFault.AckStarvation => new FaultSpec { Kind = FaultKind.DropAcks },
        ResumableFault.CorruptCompression => new FaultSpec { Kind = FaultKind.Corrupt },
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, null),
    };

    private static ReconnectCause ExpectedCause(ResumableFault fault) => fault switch
    {
        ResumableFault.Reconnect => ReconnectCause.ReconnectRequested,
        ResumableFault.InvalidSessionResumable => ReconnectCause.InvalidSession,
        ResumableFault.Fin or ResumableFault.Rst => ReconnectCause.TransportError,
        ResumableFault.Blackhole or ResumableFault.AckStarvation => ReconnectCause.ZombieConnection,
        ResumableFault.CorruptCompression => ReconnectCause.DecompressionFailed,
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, null),
    };

    /// <summary>
    /// Faults the shard answers with its own close frame that the simulator can still read. A zombie's
    /// close frame is sent and the socket aborted at once, so whether it is read is a race.
    /// </summary>
    private static bool ClosesItself(ResumableFault fault) =>
        fault is ResumableFault.Reconnect or ResumableFault.InvalidSessionResumable or ResumableFault.CorruptCompression;
}
