using System.Globalization;
using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Compression;
using Sharder.Simulator.Ledger;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>
/// A session handed from one <see cref="ShardConnection"/> to a fresh one (what a grain migration does):
/// A stops resumably and exports its session, events keep coming, B resumes it. The shared sink ends
/// with every event exactly once, from one Identify and one Resume.
/// </summary>
public sealed class SessionHandOffTests(ITestOutputHelper output)
{
    private const double EventsPerSecond = 300;

    [Theory]
    [MemberData(nameof(CompressionModes.All), MemberType = typeof(CompressionModes))]
    public async Task HandOff_TheNewObjectResumesTheExportedSession_AndTheSinkGetsEveryEventOnce(GatewayCompression compression)
    {
        await using var scenario = await GatewayScenario.StartAsync(output, compression);
        var first = await scenario.StartReadyShardAsync();
        scenario.Simulator.StartLoad(EventsPerSecond);
        await scenario.WaitUntilAsync(() => scenario.Sink.Count >= 100, "A delivered 100 events");

        await first.StopAsync(ShardStopMode.Resumable);
        await scenario.WaitUntilAsync(() => !scenario.Connections[0].Open, "the gateway saw A's connection end");
        Assert.Equal(ShardConnection.ResumableCloseCode, scenario.Connections[0].ClientCloseCode);
        var session = first.ExportSession();
        Assert.NotNull(session);
        Assert.Equal(first.Status.SessionId, session.SessionId);

        // Events keep coming while no connection holds the session.
        var routedAtStop = scenario.Simulator.Ledger.RoutedCount;
        await scenario.WaitUntilAsync(() => scenario.Simulator.Ledger.RoutedCount >= routedAtStop + 50, "50 events were produced after A stopped");

        var secondStartedAt = scenario.Simulator.Time.GetUtcNow();
        var second = scenario.StartShard(session: session);
        await scenario.WaitResumedAsync(second);
        var publishedAtResume = scenario.Sink.Count;
        await scenario.WaitUntilAsync(() => scenario.Sink.Count >= publishedAtResume + 100, "B delivered 100 more events");
        scenario.Simulator.StopLoad();

        var report = await scenario.AssertLedgerAsync(new() { BootstrapListener = GatewayScenario.BootstrapListener });
        Assert.Equal((1, 1, 0), (report.Identifies, report.Resumes, report.ResumesRejected));
        Assert.True(report.Replayed >= 50, $"the events produced during the hand-off were replayed ({report.Replayed})");
        Assert.Equal((1, 0), (first.Status.Identifies, first.Status.Resumes));
        Assert.Equal((0, 1), (second.Status.Identifies, second.Status.Resumes));
        Assert.Equal(session.SessionId, second.Status.SessionId);
        Assert.Equal(GatewayScenario.ResumeListener, scenario.Connections[1].Listener);

        var ledger = scenario.Simulator.Ledger.Snapshot();
        var detached = ledger.Sessions.Single(s => s.Kind == SessionEventKind.Detached);
        var resumed = ledger.Sessions.Single(s => s.Kind == SessionEventKind.Resumed);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"hand-off {compression}: B resumed {(resumed.At - secondStartedAt).TotalMilliseconds:F0} ms after it was started; "
            + $"the session was detached for {(resumed.At - detached.At).TotalMilliseconds:F0} ms (including the test's wait for 50 events); {report.Replayed} events replayed"));
    }
}
