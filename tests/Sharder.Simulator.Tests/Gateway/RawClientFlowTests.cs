using Sharder.Simulator.Ledger;
using Sharder.Simulator.Tests.RawClient;

namespace Sharder.Simulator.Tests.Gateway;

/// <summary>The walk-through: identify → events → drop → resume → replay, proven by the ledger.</summary>
public sealed class RawClientFlowTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("zlib-stream")]
    [InlineData("zstd-stream")]
    public async Task Identify_events_drop_resume_replay_loses_and_duplicates_nothing(string? compress)
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        var published = new List<SinkRecord>();

        var first = await SimulatorHarness.IdentifiedClientAsync(simulator, compress: compress);
        Assert.Equal(1, first.AllFrames.Single(f => f.Type == "READY").Seq);
        Assert.Matches("^[0-9a-f]{32}$", first.SessionId);
        Assert.NotEqual(simulator.GatewayUrl, first.ResumeUrl);
        await simulator.WaitUntilAsync(s => s.Sessions().Count == 1, TimeSpan.FromSeconds(5), "session routed");

        for (var i = 0; i < 20; i++) simulator.EmitMessage(simulator.World.Guilds[i % simulator.World.Guilds.Count].Id);
        var live = simulator.Sessions()[0].Seq;
        await first.WaitForAsync(f => f.Seq == live);

        // The client drops the TCP connection; events keep coming while it is away.
        first.Abort();
        await simulator.WaitUntilAsync(s => s.Sessions()[0].State == Sessions.SessionState.Detached, TimeSpan.FromSeconds(5), "session detached");
        for (var i = 0; i < 30; i++) simulator.EmitMessage(simulator.World.Guilds[i % simulator.World.Guilds.Count].Id);
        published.AddRange(first.Published);
        var resumeFrom = first.LastSeq!.Value;
        await first.DisposeAsync();

        await using var second = await RawGatewayClient.ConnectAsync(first.ResumeUrl!, compress);
        second.SessionId = first.SessionId;
        Assert.Equal(10, (await second.NextAsync()).Op);
        await second.ResumeAsync(simulator.Token, first.SessionId!, resumeFrom);
        var resumed = await second.WaitForDispatchAsync("RESUMED");
        var replayed = second.Published.Where(r => r.Type != "RESUMED").ToList();
        Assert.Equal(30, replayed.Count);
        Assert.Equal(Enumerable.Range((int)resumeFrom + 1, 30).Select(i => (long)i), replayed.Select(r => r.Seq!.Value));
        Assert.Equal(resumeFrom + 31, resumed.Seq);

        published.AddRange(second.Published);
        var report = simulator.Check(published);
        report.AssertOk();
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(1, report.Identifies);
        Assert.Equal(1, report.Resumes);
    }
}
