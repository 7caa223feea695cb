using Sharder.Simulator.Faults;
using Sharder.Simulator.Sessions;

namespace Sharder.Simulator.Tests.Gateway;

/// <summary>F12: every close code the simulator can send reaches the client exactly, and the session's fate follows GP §7.</summary>
public sealed class CloseCodeFaultTests
{
    [Theory]
    [InlineData(4000, true)]
    [InlineData(4001, false)]
    [InlineData(4002, true)]
    [InlineData(4003, false)]
    [InlineData(4004, false)]
    [InlineData(4005, true)]
    [InlineData(4007, false)]
    [InlineData(4008, true)]
    [InlineData(4009, false)]
    [InlineData(4010, false)]
    [InlineData(4011, false)]
    [InlineData(4012, false)]
    [InlineData(4013, false)]
    [InlineData(4014, false)]
    [InlineData(1000, false)]
    [InlineData(1001, true)]
    [InlineData(1011, true)]
    public async Task Injected_close_arrives_with_the_exact_code(int code, bool resumable)
    {
        await using var simulator = await SimulatorHarness.StartAsync();
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);

        Assert.Equal(1, simulator.Inject(new FaultSpec { Kind = FaultKind.Close, ShardId = 0, CloseCode = code }));

        Assert.Equal(code, await first.WaitForCloseAsync());
        Assert.False(first.ClosedWithoutFrame);
        var expected = resumable ? SessionState.Detached : SessionState.Invalidated;
        Assert.Equal(expected, SimulatorHarness.StateOf(simulator, first.SessionId!));
        var report = simulator.Check(first.Published);
        Assert.Equal(1, report.CountCloses(byServer: true, code));
        Assert.Equal(0, report.CountCloses(byServer: false, code));
        if (!resumable) return;

        await using var second = await SimulatorHarness.ResumedClientAsync(simulator, first);
        SimulatorHarness.AssertLedgerOk(simulator, first, second);
    }
}
