using Sharder.Grains.Gateway;
using Sharder.Grains.Tests.Gateway.Fakes;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Tests.Gateway;

/// <summary>Just-in-time connect: a shard that must identify opens its socket within the connect lead of its slot.</summary>
public sealed class ShardConnectionConnectLeadTests
{
    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_lead = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_grace = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task A_shard_waiting_for_its_slot_opens_its_socket_only_within_the_lead_and_identifies_at_the_slot()
    {
        await using var harness = new ShardHarness(options => options.IdentifyConnectLead = s_lead);
        using var gate = new LocalIdentifyGate(maxConcurrency: 1, harness.Clock, s_window, s_grace);
        harness.IdentifyGate = gate;
        var started = harness.Clock.GetUtcNow();

        // An idle key: the slot is one lead away, so the socket opens at once and Identify goes at the slot.
        harness.Start(shardId: 0, shardCount: 2);
        var first = await harness.Server.NextConnectionAsync();
        first.SendHello();
        await harness.Clock.WaitForTimerAsync(s_lead);
        Assert.Equal(0, first.CountSent(2));
        harness.Clock.Advance(s_lead);
        await first.NextSentAsync(2);
        var firstSlot = harness.Clock.GetUtcNow();
        Assert.Equal(started + s_lead, firstSlot);
        first.SendReady("session-0", ShardHarness.ResumeUrl);

        // Shard 1 shares the key: its slot is one window later, its socket opens one lead before that.
        harness.Clock.ForgetTimers();
        harness.Start(shardId: 1, shardCount: 2);
        await harness.Clock.WaitForTimerAsync(s_window - s_lead);
        Assert.Equal(GatewayState.Identifying, harness.Shard.State);
        harness.Clock.Advance(s_window - s_lead - TimeSpan.FromTicks(1));
        Assert.Single(harness.Server.ConnectAttempts);
        harness.Clock.Advance(TimeSpan.FromTicks(1));

        var connection = await harness.Server.NextConnectionAsync();
        Assert.Equal(2, harness.Server.ConnectAttempts.Count);
        connection.SendHello();
        await harness.Clock.WaitForTimerAsync(s_lead);
        Assert.Equal(0, connection.CountSent(2));
        harness.Clock.Advance(s_lead);

        var identify = await connection.NextSentAsync(2);
        Assert.Equal([1, 2], identify.Data.GetProperty("shard").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(firstSlot + s_window, harness.Clock.GetUtcNow());
    }

    [Fact]
    public async Task A_resume_connects_at_once_without_asking_the_gate()
    {
        await using var harness = new ShardHarness(options => options.IdentifyConnectLead = s_lead);
        harness.Start(new ShardSession("session-1", 3, ShardHarness.ResumeUrl));

        var connection = await harness.Server.NextConnectionAsync();
        connection.SendHello();
        await connection.NextSentAsync(6);

        Assert.Equal(0, harness.Gate.Calls);
        Assert.Equal(ShardHarness.ResumeHost, connection.Url!.Host);
    }

    [Fact]
    public async Task A_permit_whose_socket_did_not_connect_is_handed_back_as_missed()
    {
        await using var harness = new ShardHarness(options => options.IdentifyConnectLead = s_lead);
        var now = harness.Clock.GetUtcNow();
        var permit = new IdentifyPermit(0, 0, now + TimeSpan.FromSeconds(1), now + TimeSpan.FromSeconds(1) + s_grace);
        harness.Gate.Script(permit);
        harness.Server.Refuse(_ => true, 1);
        harness.Start();

        await Waits.AdvanceUntilAsync(harness.Clock, TimeSpan.FromMilliseconds(100), () => harness.Server.HasPendingConnection, "the shard connects again");
        var connection = await harness.Server.NextConnectionAsync();
        connection.SendHello();
        await connection.NextSentAsync(2);

        Assert.Equal(2, harness.Gate.Calls);
        Assert.Equal([permit], harness.Gate.Missed);
        Assert.Equal(1, harness.Shard.Status.Identifies);
    }

    [Fact]
    public async Task A_hello_arriving_after_the_permit_ran_out_hands_it_back_and_identifies_on_a_new_one()
    {
        await using var harness = new ShardHarness(options => options.IdentifyConnectLead = s_lead);
        var now = harness.Clock.GetUtcNow();
        var permit = new IdentifyPermit(0, 0, now + TimeSpan.FromSeconds(1), now + TimeSpan.FromSeconds(1) + s_grace);
        harness.Gate.Script(permit);
        harness.Start();
        var connection = await harness.Server.NextConnectionAsync();

        harness.Clock.Advance(TimeSpan.FromSeconds(2));
        connection.SendHello();
        await connection.NextSentAsync(2);

        Assert.Equal([permit], harness.Gate.Missed);
        Assert.Equal(1, connection.CountSent(2));
        Assert.Contains(harness.Logger.Lines, line => line.Contains("could not send Identify within its permit", StringComparison.Ordinal));
    }
}
