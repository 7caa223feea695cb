using System.Globalization;
using System.Text.Json;
using Sharder.Simulator.World;
using Xunit;

namespace Sharder.Simulator.Tests.Events;

public sealed class GuildCreateTests
{
    private const int AllIntents = IntentRules.AllDocumented;
    private const int NoPresences = IntentRules.AllDocumented & ~(int)GatewayIntents.GuildPresences;

    [Fact]
    public void GuildCreate_has_the_extra_fields_of_R_5_3()
    {
        var (world, factory, _) = TestWorlds.Create();
        var guild = world.Guilds[0];

        var d = TestWorlds.ParseData(factory.GuildCreate(guild, AllIntents, largeThreshold: 250));

        string[] extras =
        [
            "joined_at", "large", "member_count", "members", "channels", "threads", "presences", "voice_states",
            "stage_instances", "guild_scheduled_events", "soundboard_sounds",
        ];
        Assert.All(extras, name => Assert.True(d.TryGetProperty(name, out _), $"missing {name}"));
        Assert.Equal(guild.Id.ToString(CultureInfo.InvariantCulture), d.GetProperty("id").GetString());
        Assert.Equal(guild.Name, d.GetProperty("name").GetString());
        Assert.Equal(guild.MemberCount, d.GetProperty("member_count").GetInt32());
        Assert.Equal(guild.ChannelCount, d.GetProperty("channels").GetArrayLength());
        Assert.Equal(guild.JoinedAt, DateTimeOffset.Parse(d.GetProperty("joined_at").GetString()!, CultureInfo.InvariantCulture));
        Assert.False(d.GetProperty("unavailable").GetBoolean());
    }

    [Theory]
    [InlineData(2 * 1024)]
    [InlineData(8 * 1024)]
    [InlineData(20 * 1024)]
    [InlineData(100 * 1024)]
    [InlineData(1024 * 1024)]
    [InlineData(8 * 1024 * 1024)]
    public void GuildCreate_size_is_near_the_guild_target(int targetBytes)
    {
        var (world, factory, _) = TestWorlds.Create(guildCount: 0);
        var guild = world.AddGuild(guildCreateBytes: targetBytes);

        var guildCreate = factory.GuildCreate(guild, AllIntents, largeThreshold: 50);

        TestWorlds.ParseData(guildCreate);
        Assert.InRange(guildCreate.Data.Length, targetBytes * 0.85, (targetBytes * 1.15) + 1500);
        Assert.InRange(guildCreate.Data.Length, guild.GuildCreateBytes * 0.9, guild.GuildCreateBytes * 1.1);
    }

    [Fact]
    public void Small_guild_sends_all_members_with_presences_for_online_ones()
    {
        var (world, factory, _) = TestWorlds.Create(guildCount: 0);
        var guild = world.AddGuild(guildCreateBytes: 20 * 1024);

        var d = TestWorlds.ParseData(factory.GuildCreate(guild, AllIntents, largeThreshold: 50));

        Assert.True(guild.MemberCount <= 50, guild.ToString());
        Assert.False(d.GetProperty("large").GetBoolean());
        Assert.Equal(guild.MemberCount, d.GetProperty("members").GetArrayLength());
        Assert.Equal(guild.OnlineMemberCount - 1, d.GetProperty("presences").GetArrayLength());
        var bot = d.GetProperty("members")[0].GetProperty("user");
        Assert.Equal(world.BotUserId, bot.GetProperty("id").GetString());
        Assert.True(bot.GetProperty("bot").GetBoolean());
        var memberIds = d.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("user").GetProperty("id").GetString()).ToList();
        Assert.Equal(memberIds.Count, memberIds.Distinct().Count());
    }

    [Fact]
    public void Large_guild_sends_only_online_members()
    {
        var (world, factory, _) = TestWorlds.Create(guildCount: 0);
        var guild = world.AddGuild(guildCreateBytes: 300 * 1024);

        var d = TestWorlds.ParseData(factory.GuildCreate(guild, AllIntents, largeThreshold: 250));

        Assert.True(guild.MemberCount > 250, guild.ToString());
        Assert.True(d.GetProperty("large").GetBoolean());
        Assert.Equal(guild.OnlineMemberCount, d.GetProperty("members").GetArrayLength());
        Assert.True(guild.OnlineMemberCount < guild.MemberCount);
        Assert.Equal(guild.OnlineMemberCount - 1, d.GetProperty("presences").GetArrayLength());
    }

    [Theory]
    [InlineData(50, true)]
    [InlineData(100, false)]
    public void Large_flag_compares_member_count_with_large_threshold(int largeThreshold, bool large)
    {
        var (world, factory, _) = TestWorlds.Create(guildCount: 0);
        var guild = world.AddGuild(guildCreateBytes: 40 * 1024, memberCount: 80);

        var d = TestWorlds.ParseData(factory.GuildCreate(guild, AllIntents, largeThreshold));

        Assert.Equal(large, d.GetProperty("large").GetBoolean());
        Assert.Equal(large ? guild.OnlineMemberCount : 80, d.GetProperty("members").GetArrayLength());
    }

    [Fact]
    public void Without_guild_presences_only_the_bot_is_sent()
    {
        var (world, factory, _) = TestWorlds.Create(guildCount: 0);
        var guild = world.AddGuild(guildCreateBytes: 200 * 1024);

        var guildCreate = factory.GuildCreate(guild, NoPresences, largeThreshold: 250);

        var d = TestWorlds.ParseData(guildCreate);
        Assert.Equal(1, d.GetProperty("members").GetArrayLength());
        Assert.Equal(world.BotUserId, d.GetProperty("members")[0].GetProperty("user").GetProperty("id").GetString());
        Assert.Equal(0, d.GetProperty("presences").GetArrayLength());
        Assert.Equal(guild.MemberCount, d.GetProperty("member_count").GetInt32());
        Assert.True(guildCreate.Data.Length < guild.GuildCreateBytes / 2);
    }

    [Fact]
    public void Guild_above_75k_members_sends_only_the_bot_even_with_presences()
    {
        var (world, factory, _) = TestWorlds.Create(guildCount: 0);
        var guild = world.AddGuild(guildCreateBytes: 50 * 1024, memberCount: 80_000);

        var d = TestWorlds.ParseData(factory.GuildCreate(guild, AllIntents, largeThreshold: 250));

        Assert.Equal(80_000, d.GetProperty("member_count").GetInt32());
        Assert.Equal(1, d.GetProperty("members").GetArrayLength());
        Assert.Equal(0, d.GetProperty("presences").GetArrayLength());
    }

    [Fact]
    public void Unavailable_guild_yields_an_unavailable_stub()
    {
        var (world, factory, _) = TestWorlds.Create();
        var guild = world.Guilds[0];
        guild.Unavailable = true;

        var d = TestWorlds.ParseData(factory.GuildCreate(guild, AllIntents, largeThreshold: 50));

        Assert.True(d.GetProperty("unavailable").GetBoolean());
        Assert.Equal(3, d.EnumerateObject().Count());
    }

    [Fact]
    public void Channels_are_text_and_voice_with_distinct_ids()
    {
        var (world, factory, _) = TestWorlds.Create(guildCount: 0);
        var guild = world.AddGuild(guildCreateBytes: 100 * 1024);

        var channels = TestWorlds.ParseData(factory.GuildCreate(guild, AllIntents, 50)).GetProperty("channels").EnumerateArray().ToList();

        Assert.Equal(guild.ChannelCount, channels.Select(c => c.GetProperty("id").GetString()).Distinct().Count());
        Assert.Contains(channels, c => c.GetProperty("type").GetInt32() == 0);
        Assert.Contains(channels, c => c.GetProperty("type").GetInt32() == 2);
    }

    [Fact]
    public void Huge_guild_of_32_MiB_renders()
    {
        var mix = GuildCreateSizeMix.SmallOnly();
        mix.HugeGuildBytes = 32 * 1024 * 1024;
        var (world, factory, _) = TestWorlds.Create(guildCount: 1, sizes: mix);

        var guildCreate = factory.GuildCreate(world.Guilds[0], AllIntents, largeThreshold: 250);

        Assert.InRange(guildCreate.Data.Length, 28 * 1024 * 1024, 37 * 1024 * 1024);
        var reader = new Utf8JsonReader(guildCreate.Data.Span);
        while (reader.Read())
        {
            // Walking every token proves the payload is well-formed without building a DOM.
        }

        Assert.Equal(guildCreate.Data.Length, (int)reader.BytesConsumed);
    }
}
