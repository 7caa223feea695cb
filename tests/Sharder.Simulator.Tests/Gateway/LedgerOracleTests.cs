using Sharder.Simulator.Faults;
using Sharder.Simulator.Ledger;
using Sharder.Simulator.Sessions;

namespace Sharder.Simulator.Tests.Gateway;

/// <summary>R-10: the oracle passes a raw client that resumes correctly and catches one that does not.</summary>
public sealed class LedgerOracleTests
{
    [Fact]
    public async Task Correct_client_through_fin_reconnect_and_close_4000_loses_and_duplicates_nothing()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.ReconnectGraceMs = 100);
        var clients = new List<RawClient.RawGatewayClient> { await SimulatorHarness.ReadyClientAsync(simulator) };
        FaultSpec[] faults =
        [
            new() { Kind = FaultKind.Fin, ShardId = 0 },
            new() { Kind = FaultKind.Reconnect, ShardId = 0 },
            new() { Kind = FaultKind.Close, ShardId = 0, CloseCode = 4000 },
            new() { Kind = FaultKind.Rst, ShardId = 0 },
        ];

        foreach (var fault in faults)
        {
            var current = clients[^1];
            foreach (var guild in simulator.World.Guilds) simulator.EmitMessage(guild.Id);
            simulator.Inject(fault);
            await current.WaitForCloseAsync();
            await SimulatorHarness.WaitForSessionStateAsync(simulator, current.SessionId!, SessionState.Detached);
            simulator.EmitMessage(simulator.World.Guilds[0].Id);
            clients.Add(await SimulatorHarness.ResumedClientAsync(simulator, current));
        }

        var report = SimulatorHarness.AssertLedgerOk(simulator, [.. clients]);
        Assert.Equal((1, 4), (report.Identifies, report.Resumes));
        Assert.Equal(report.Routed, report.Published);
        foreach (var client in clients) await client.DisposeAsync();
    }

    [Fact]
    public async Task Client_that_resumes_from_a_stale_seq_and_publishes_again_is_caught_as_duplicates()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);
        for (var i = 0; i < 5; i++) simulator.EmitMessage(simulator.World.Guilds[i].Id);
        var last = SimulatorHarness.SeqOf(simulator, first.SessionId!);
        await first.WaitForAsync(f => f.Seq == last);
        first.Abort();
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Detached);

        await using var second = await SimulatorHarness.ResumedClientAsync(simulator, first, fromSeq: last - 3);

        var report = simulator.Check([.. first.Published, .. second.Published]);
        Assert.Equal(3, report.Duplicates);
        Assert.Equal(0, report.Lost);
        Assert.False(report.Ok);
        Assert.Throws<InvariantViolationException>(report.AssertOk);
    }

    [Fact]
    public async Task Client_that_drops_a_published_event_is_caught_as_lost()
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var client = await SimulatorHarness.ReadyClientAsync(simulator);
        var dropped = simulator.EmitMessage(simulator.World.Guilds[0].Id).Uid;
        simulator.EmitMessage(simulator.World.Guilds[1].Id);
        await client.WaitForAsync(f => f.Seq == SimulatorHarness.SeqOf(simulator, client.SessionId!));

        var report = simulator.Check([.. client.Published.Where(p => p.EventUid != dropped)]);

        Assert.Equal(1, report.Lost);
        Assert.Equal(1, report.Gaps);
    }

    [Fact]
    public async Task Client_that_identifies_when_it_could_have_resumed_is_caught()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.IdentifyWindowMs = 1);
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);
        first.Abort();
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Detached);

        await using var second = await SimulatorHarness.ReadyClientAsync(simulator);

        var report = simulator.Check([.. first.Published, .. second.Published]);
        Assert.Contains(report.Violations, v => v.StartsWith("identify instead of resume", StringComparison.Ordinal));
        Assert.Equal(0, report.Duplicates);
    }
}
