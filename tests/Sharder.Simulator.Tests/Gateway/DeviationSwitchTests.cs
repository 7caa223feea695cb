using Sharder.Simulator.Sessions;
using Sharder.Simulator.Tests.RawClient;

namespace Sharder.Simulator.Tests.Gateway;

/// <summary>The deviation switches (issue 8): behaviours of independent gateway implementations that differ from Discord's.</summary>
public sealed class DeviationSwitchTests
{
    [Fact]
    public async Task ReadySequenceZero_numbers_ready_zero_and_what_follows_from_one()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.ReadySequenceZero = true);
        await using var client = await SimulatorHarness.IdentifiedClientAsync(simulator);

        var guilds = simulator.World.CountGuildsForShard(0, 1);
        await client.WaitForAsync(f => f.Seq == guilds);
        var dispatches = client.AllFrames.Where(f => f.Op == 0).ToList();
        Assert.Equal("READY", dispatches[0].Type);
        Assert.Equal(Enumerable.Range(0, guilds + 1).Select(s => (long?)s), dispatches.Select(f => f.Seq));
    }

    [Fact]
    public async Task ReadySequenceZero_a_resume_from_zero_replays_everything_after_ready()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.ReadySequenceZero = true);
        await using var first = await SimulatorHarness.IdentifiedClientAsync(simulator);
        var guilds = simulator.World.CountGuildsForShard(0, 1);
        await first.WaitForAsync(f => f.Seq == guilds);
        first.Abort();
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Detached);

        await using var second = await SimulatorHarness.ResumedClientAsync(simulator, first, fromSeq: 0);

        var replayed = second.AllFrames.Where(f => f.Op == 0 && f.Type != "RESUMED").Select(f => f.Seq);
        Assert.Equal(Enumerable.Range(1, guilds).Select(s => (long?)s), replayed);
    }

    [Fact]
    public async Task ReuseSessionIds_hands_a_shard_the_same_session_id_on_every_identify()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o =>
        {
            o.ReuseSessionIds = true;
            o.IdentifyWindowMs = 1;
            // Shard 1 gets its own rate-limit key: with one key, its Identify can follow shard 0's within the 1 ms
            // window (a fast machine did: 0.97 ms) and be refused with op 9.
            o.MaxConcurrency = 2;
        });
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);
        await first.CloseAsync(1000);
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Invalidated);

        await using var second = await SimulatorHarness.IdentifiedClientAsync(simulator);
        await using var other = await SimulatorHarness.IdentifiedClientAsync(simulator, shardId: 1, numShards: 2);

        Assert.Equal(first.SessionId, second.SessionId);
        Assert.NotEqual(first.SessionId, other.SessionId);
        Assert.Equal(1, second.AllFrames.Single(f => f.Type == "READY").Seq);
    }

    [Fact]
    public async Task BadTokenCloseCode_closes_a_bad_identify_with_the_configured_code()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.BadTokenCloseCode = 4000);
        await using var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl);
        Assert.Equal(10, (await client.NextAsync()).Op);

        await client.IdentifyAsync("not-the-token");

        Assert.Equal(4000, await client.WaitForCloseAsync());
    }

    [Fact]
    public void BadTokenCloseCode_must_be_a_close_code()
    {
        var options = new SimulatorOptions { BadTokenCloseCode = 99 };

        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("BadTokenCloseCode", error.Message, StringComparison.Ordinal);
    }
}
