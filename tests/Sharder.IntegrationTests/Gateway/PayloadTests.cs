using System.Globalization;
using System.Text;
using System.Text.Json;
using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Compression;
using Sharder.Simulator.Events;
using Sharder.Simulator.Faults;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>What arrives and how: F23 (split and fragmented frames) and F27 (guild outage); F22 is in <see cref="LargePayloadTests"/>.</summary>
public sealed class PayloadTests(ITestOutputHelper output)
{
    /// <summary>
    /// F23: zlib messages split across WebSocket messages, and every message fragmented into 7-byte
    /// continuation frames with pings between them. The shard publishes byte-identical frames.
    /// </summary>
    [Theory]
    [MemberData(nameof(CompressionModes.All), MemberType = typeof(CompressionModes))]
    public async Task SplitAndFragmentedMessages_AreReassembledByteForByte(GatewayCompression compression)
    {
        const int count = 200;
        await using var scenario = await GatewayScenario.StartAsync(output, compression);
        var shard = await scenario.StartReadyShardAsync();
        if (compression == GatewayCompression.ZlibStream)
        {
            Assert.Equal(1, scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.SplitZlib, Pieces = 4 }));
        }

        Assert.Equal(1, scenario.Simulator.Inject(new FaultSpec { Kind = FaultKind.Fragment, FragmentSize = 7, PingBetweenFragments = true }));
        var guilds = scenario.Simulator.World.GuildsForShard(0, 1).ToArray();
        var emitted = Enumerable.Range(0, count)
            .Select(i => scenario.Simulator.EmitMessage(guilds[i % guilds.Length].Id, approxBytes: 700))
            .ToDictionary(e => e.Uid);
        await scenario.WaitForMessagesAsync(count);

        var report = await scenario.AssertLedgerAsync();
        Assert.Equal((1, 0), (report.Identifies, shard.Status.TotalReconnects));
        var routed = scenario.Simulator.Ledger.Snapshot().Routed.ToDictionary(r => (r.SessionId, r.Seq), r => r.EventUid);
        foreach (var published in scenario.Sink.OfType("MESSAGE_CREATE"))
        {
            var uid = routed[(published.Record.SessionId!, published.Record.Seq!.Value)];
            Assert.Equal(ExpectedFrame(emitted[uid], published.Record.Seq.Value), published.Payload.ToArray());
        }
    }

    /// <summary>F27: a guild goes unavailable and comes back. The shard forwards GUILD_DELETE (unavailable) and the new GUILD_CREATE, and carries on.</summary>
    [Fact]
    public async Task GuildOutage_DeleteAndCreateAreForwarded_AndTheShardCarriesOn()
    {
        await using var scenario = await GatewayScenario.StartAsync(output, GatewayCompression.ZlibStream);
        var shard = await scenario.StartReadyShardAsync();
        var guild = scenario.Simulator.World.GuildsForShard(0, 1).First().Id;
        await scenario.WaitUntilAsync(() => GuildEvents(scenario, guild).Count == 1, "the READY burst's GUILD_CREATE");

        scenario.Simulator.GuildOutage(guild);
        scenario.Simulator.GuildRecovered(guild);
        await scenario.WaitUntilAsync(() => GuildEvents(scenario, guild).Count == 3, "GUILD_DELETE and the second GUILD_CREATE");

        var events = GuildEvents(scenario, guild);
        Assert.Equal(["GUILD_CREATE", "GUILD_DELETE", "GUILD_CREATE"], events.Select(e => e.Record.Type));
        using (var delete = JsonDocument.Parse(events[1].Payload))
        {
            Assert.True(delete.RootElement.GetProperty("d").GetProperty("unavailable").GetBoolean());
        }

        Assert.Equal(GatewayState.Active, shard.State);
        Assert.Equal(0, shard.Status.TotalReconnects);
        await scenario.AssertLedgerAsync();
    }

    private static List<PublishedDispatch> GuildEvents(GatewayScenario scenario, ulong guildId) =>
        [.. scenario.Sink.Published.Where(p => p.Record.Type is "GUILD_CREATE" or "GUILD_DELETE" && IdOf(p) == guildId)];

    private static ulong? IdOf(PublishedDispatch dispatch)
    {
        using var document = JsonDocument.Parse(dispatch.Payload);
        return document.RootElement.GetProperty("d").TryGetProperty("id", out var id) && ulong.TryParse(id.GetString(), CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
    }

    /// <summary>The dispatch frame the simulator writes (key order t, s, op, d; R-3.1).</summary>
    private static byte[] ExpectedFrame(SimEvent emitted, long seq)
    {
        var head = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"t\":\"{emitted.Type}\",\"s\":{seq},\"op\":0,\"d\":"));
        return [.. head, .. emitted.DataFor((int)GatewayScenario.AllIntents).Span, (byte)'}'];
    }
}
