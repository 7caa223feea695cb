using System.Globalization;
using System.Text;
using System.Text.Json;
using Sharder.Simulator.Events;
using Xunit;

namespace Sharder.Simulator.Tests.Events;

public sealed class SessionPayloadTests
{
    private const string SessionId = "46518a1bf6912ed649618c831861ab91";
    private const string ResumeUrl = "ws://127.0.0.1:4567";

    [Fact]
    public void ReadyData_lists_the_shard_guilds_as_unavailable_with_the_real_extras()
    {
        var (world, factory, _) = TestWorlds.Create(guildCount: 40);
        var shardGuilds = world.GuildsForShard(1, 4).ToList();

        using var ready = JsonDocument.Parse(factory.ReadyData(SessionId, ResumeUrl, 1, 4, shardGuilds));

        var d = ready.RootElement;
        Assert.Equal(10, d.GetProperty("v").GetInt32());
        Assert.Equal(SessionId, d.GetProperty("session_id").GetString());
        Assert.Equal(ResumeUrl, d.GetProperty("resume_gateway_url").GetString());
        Assert.Equal([1, 4], d.GetProperty("shard").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(world.BotUserId, d.GetProperty("user").GetProperty("id").GetString());
        Assert.True(d.GetProperty("user").GetProperty("bot").GetBoolean());
        Assert.Equal(world.ApplicationId.ToString(CultureInfo.InvariantCulture), d.GetProperty("application").GetProperty("id").GetString());
        Assert.Equal(shardGuilds.Select(g => g.Id.ToString(CultureInfo.InvariantCulture)), d.GetProperty("guilds").EnumerateArray().Select(g => g.GetProperty("id").GetString()));
        Assert.All(d.GetProperty("guilds").EnumerateArray(), g => Assert.True(g.GetProperty("unavailable").GetBoolean()));
        string[] extras = ["user_settings", "session_type", "relationships", "private_channels", "presences", "guild_join_requests", "geo_ordered_rtc_regions", "game_relationships", "auth", "_trace"];
        Assert.All(extras, name => Assert.True(d.TryGetProperty(name, out _), $"missing {name}"));
        Assert.False(d.TryGetProperty("x_sim_uid", out _));
    }

    [Fact]
    public void ReadyData_and_ResumedData_can_carry_a_uid()
    {
        var (world, factory, _) = TestWorlds.Create();

        var ready = factory.ReadyData(SessionId, ResumeUrl, 0, 1, world.Guilds, eventUid: 77);
        var resumed = factory.ResumedData(eventUid: 78);

        Assert.True(SimEventUid.TryRead(ready, out long readyUid));
        Assert.Equal(77, readyUid);
        Assert.True(SimEventUid.TryRead(resumed, out long resumedUid));
        Assert.Equal(78, resumedUid);
    }

    [Fact]
    public void ResumedData_is_exactly_a_trace_object()
    {
        var (_, factory, _) = TestWorlds.Create();

        Assert.Equal("""{"_trace":["[\"sim-gateway-0\",{\"micros\":0.0}]"]}""", Encoding.UTF8.GetString(factory.ResumedData()));
    }

    [Fact]
    public void RateLimited_carries_opcode_retry_after_and_meta()
    {
        var (world, factory, _) = TestWorlds.Create();
        ulong guildId = world.Guilds[0].Id;

        var limited = factory.RateLimited(8, 27.5, guildId, "abc");
        var withoutNonce = factory.RateLimited(8, 30, guildId, null);

        var d = TestWorlds.ParseData(limited);
        Assert.Equal("RATE_LIMITED", limited.Type);
        Assert.Equal(8, d.GetProperty("opcode").GetInt32());
        Assert.Equal(27.5, d.GetProperty("retry_after").GetDouble());
        Assert.Equal(guildId.ToString(CultureInfo.InvariantCulture), d.GetProperty("meta").GetProperty("guild_id").GetString());
        Assert.Equal("abc", d.GetProperty("meta").GetProperty("nonce").GetString());
        Assert.False(TestWorlds.ParseData(withoutNonce).GetProperty("meta").TryGetProperty("nonce", out _));
    }
}
