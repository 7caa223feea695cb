using System.Globalization;
using System.Text.Json;
using Sharder.Simulator.Events;
using Sharder.Simulator.World;
using Xunit;

namespace Sharder.Simulator.Tests.Events;

public sealed class EventFactoryTests
{
    [Theory]
    [InlineData(900)]
    [InlineData(1024)]
    [InlineData(2500)]
    [InlineData(8 * 1024)]
    [InlineData(30 * 1024)]
    public void MessageCreate_is_valid_json_near_the_requested_size(int approxBytes)
    {
        var (world, factory, _) = TestWorlds.Create();
        var guild = world.Guilds[3];

        var message = factory.MessageCreate(guild.Id, approxBytes);

        var d = TestWorlds.ParseData(message);
        Assert.Equal("MESSAGE_CREATE", message.Type);
        Assert.InRange(message.Data.Length, approxBytes * 0.9, (approxBytes * 1.1) + 64);
        Assert.Equal(message.Uid.ToString(CultureInfo.InvariantCulture), d.GetProperty("id").GetString());
        Assert.Equal(guild.Id.ToString(CultureInfo.InvariantCulture), d.GetProperty("guild_id").GetString());
        Assert.Equal(0, d.GetProperty("channel_type").GetInt32());
        Assert.True(ulong.TryParse(d.GetProperty("channel_id").GetString(), out _));
        Assert.True(ulong.TryParse(d.GetProperty("author").GetProperty("id").GetString(), out _));
        Assert.Equal(TestWorlds.Now, DateTimeOffset.Parse(d.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal(JsonValueKind.Object, d.GetProperty("member").ValueKind);
        Assert.NotEmpty(d.GetProperty("content").GetString()!);
    }

    [Fact]
    public void Tiny_size_requests_give_the_smallest_real_message()
    {
        var (world, factory, _) = TestWorlds.Create();

        var message = factory.MessageCreate(world.Guilds[0].Id, approxBytes: 10);

        var d = TestWorlds.ParseData(message);
        Assert.Single(d.GetProperty("content").GetString()!);
        Assert.Equal(0, d.GetProperty("embeds").GetArrayLength());
        Assert.InRange(message.Data.Length, 600, 1000);
    }

    [Fact]
    public void Oversized_requests_are_capped_at_the_largest_real_message()
    {
        var (world, factory, _) = TestWorlds.Create();

        var message = factory.MessageCreate(world.Guilds[0].Id, approxBytes: 10 * 1024 * 1024);

        var d = TestWorlds.ParseData(message);
        Assert.Equal(2000, d.GetProperty("content").GetString()!.Length);
        Assert.Equal(10, d.GetProperty("embeds").GetArrayLength());
        Assert.InRange(message.Data.Length, 40 * 1024, EventFactory.MaxMessageBytes);
    }

    [Fact]
    public void MessageCreate_without_content_blanks_content_and_embeds_only()
    {
        var (world, factory, _) = TestWorlds.Create();

        var message = factory.MessageCreate(world.Guilds[0].Id, 9000);

        var full = TestWorlds.ParseData(message);
        var blank = TestWorlds.ParseData(message, message.DataWithoutContent!.Value);
        Assert.True(full.GetProperty("embeds").GetArrayLength() > 0);
        Assert.Equal(string.Empty, blank.GetProperty("content").GetString());
        Assert.Equal(0, blank.GetProperty("embeds").GetArrayLength());
        Assert.Equal(0, blank.GetProperty("attachments").GetArrayLength());
        Assert.Equal(0, blank.GetProperty("components").GetArrayLength());
        Assert.Equal(full.GetProperty("id").GetString(), blank.GetProperty("id").GetString());
        Assert.Equal(full.GetProperty("author").GetRawText(), blank.GetProperty("author").GetRawText());
        Assert.Equal(full.GetProperty("channel_id").GetString(), blank.GetProperty("channel_id").GetString());
    }

    [Fact]
    public void DataFor_picks_the_variant_the_intents_allow()
    {
        var (world, factory, _) = TestWorlds.Create();
        var message = factory.MessageCreate(world.Guilds[0].Id);
        var mention = factory.MessageCreate(world.Guilds[0].Id, 1024, mentionsBot: true);
        var dm = factory.MessageCreate(null);

        const int withoutContent = (int)GatewayIntents.GuildMessages;
        const int withContent = (int)(GatewayIntents.GuildMessages | GatewayIntents.MessageContent);
        Assert.True(message.DataFor(withoutContent).Span.SequenceEqual(message.DataWithoutContent!.Value.Span));
        Assert.True(message.DataFor(withContent).Span.SequenceEqual(message.Data.Span));
        Assert.True(mention.DataFor(withoutContent).Span.SequenceEqual(mention.Data.Span));
        Assert.True(dm.DataFor((int)GatewayIntents.DirectMessages).Span.SequenceEqual(dm.Data.Span));
    }

    [Fact]
    public void MessageCreate_mentioning_the_bot_lists_it_in_mentions_and_content()
    {
        var (world, factory, _) = TestWorlds.Create();

        var message = factory.MessageCreate(world.Guilds[1].Id, 800, mentionsBot: true);

        var d = TestWorlds.ParseData(message);
        Assert.True(message.MentionsBot);
        Assert.Equal(world.BotUserId, d.GetProperty("mentions")[0].GetProperty("id").GetString());
        Assert.StartsWith($"<@{world.BotUserId}> ", d.GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Dm_MessageCreate_has_no_guild_and_a_dm_channel()
    {
        var (_, factory, _) = TestWorlds.Create();

        var dm = factory.MessageCreate(null);

        var d = TestWorlds.ParseData(dm);
        Assert.Null(dm.GuildId);
        Assert.False(d.TryGetProperty("guild_id", out _));
        Assert.False(d.TryGetProperty("member", out _));
        Assert.Equal(1, d.GetProperty("channel_type").GetInt32());
    }

    [Fact]
    public void Messages_differ_in_ids_authors_and_content()
    {
        var (world, factory, _) = TestWorlds.Create(sizes: new GuildCreateSizeMix { LargeFraction = 0, SmallMinBytes = 20_000, SmallMaxBytes = 20_000 });
        var guild = world.Guilds[0];

        var messages = Enumerable.Range(0, 50).Select(_ => TestWorlds.ParseData(factory.MessageCreate(guild.Id))).ToList();

        Assert.Equal(50, messages.Select(m => m.GetProperty("id").GetString()).Distinct().Count());
        Assert.True(messages.Select(m => m.GetProperty("content").GetString()).Distinct().Count() > 45);
        Assert.True(messages.Select(m => m.GetProperty("author").GetProperty("id").GetString()).Distinct().Count() > 5);
    }

    [Fact]
    public void PresenceUpdate_is_about_half_a_kilobyte()
    {
        var (world, factory, _) = TestWorlds.Create();

        var presence = factory.PresenceUpdate(world.Guilds[2].Id);

        var d = TestWorlds.ParseData(presence);
        Assert.Equal("PRESENCE_UPDATE", presence.Type);
        Assert.InRange(presence.Data.Length, 400, 650);
        Assert.Contains(d.GetProperty("status").GetString(), new[] { "online", "idle", "dnd" });
        Assert.Equal(world.Guilds[2].Id.ToString(CultureInfo.InvariantCulture), d.GetProperty("guild_id").GetString());
        Assert.Equal(1, d.GetProperty("activities").GetArrayLength());
        Assert.Null(presence.DataWithoutContent);
    }

    [Fact]
    public void TypingStart_has_guild_and_dm_shapes()
    {
        var (world, factory, _) = TestWorlds.Create();

        var guildTyping = TestWorlds.ParseData(factory.TypingStart(world.Guilds[0].Id));
        var dmTyping = TestWorlds.ParseData(factory.TypingStart(null));

        Assert.Equal(TestWorlds.Now.ToUnixTimeSeconds(), guildTyping.GetProperty("timestamp").GetInt64());
        Assert.Equal(guildTyping.GetProperty("user_id").GetString(), guildTyping.GetProperty("member").GetProperty("user").GetProperty("id").GetString());
        Assert.False(dmTyping.TryGetProperty("guild_id", out _));
        Assert.False(dmTyping.TryGetProperty("member", out _));
    }

    [Fact]
    public void MessageReactionAdd_refers_to_an_older_message()
    {
        var (world, factory, _) = TestWorlds.Create();

        var reaction = factory.MessageReactionAdd(world.Guilds[0].Id);

        var d = TestWorlds.ParseData(reaction);
        Assert.True(ulong.Parse(d.GetProperty("message_id").GetString()!, CultureInfo.InvariantCulture) < (ulong)reaction.Uid);
        Assert.False(string.IsNullOrEmpty(d.GetProperty("emoji").GetProperty("name").GetString()));
    }

    [Fact]
    public void GuildDelete_marks_outages_unavailable_and_removals_not()
    {
        var (world, factory, _) = TestWorlds.Create();
        ulong guildId = world.Guilds[0].Id;

        var outage = TestWorlds.ParseData(factory.GuildDelete(guildId, unavailable: true));
        var removed = TestWorlds.ParseData(factory.GuildDelete(guildId, unavailable: false));

        Assert.True(outage.GetProperty("unavailable").GetBoolean());
        Assert.False(removed.TryGetProperty("unavailable", out _));
        Assert.Equal(guildId.ToString(CultureInfo.InvariantCulture), removed.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("  { \"answer\": 42, \"nested\": {\"x_sim_uid\": 1} }  ")]
    public void Custom_injects_the_uid_as_the_first_property(string dJson)
    {
        var (_, factory, _) = TestWorlds.Create();

        var custom = factory.Custom("INTERACTION_CREATE", null, dJson);

        var d = TestWorlds.ParseData(custom);
        Assert.Equal("x_sim_uid", d.EnumerateObject().First().Name);
        Assert.Equal(JsonDocument.Parse(dJson).RootElement.EnumerateObject().Count() + 1, d.EnumerateObject().Count());
    }

    [Fact]
    public void Custom_rejects_non_objects()
    {
        var (_, factory, _) = TestWorlds.Create();

        Assert.Throws<ArgumentException>(() => factory.Custom("X", null, "[1,2]"));
    }

    [Fact]
    public void Unknown_guild_is_rejected()
    {
        var (_, factory, _) = TestWorlds.Create();

        Assert.Throws<ArgumentException>(() => factory.PresenceUpdate(12345));
    }

    [Fact]
    public void Next_follows_the_mix_and_skips_unavailable_guilds()
    {
        var (world, factory, _) = TestWorlds.Create(guildCount: 20);
        foreach (var guild in world.Guilds.Take(10))
        {
            guild.Unavailable = true;
        }

        var mix = new EventMix { DmFraction = 0.1 };
        var events = Enumerable.Range(0, 3000).Select(_ => factory.Next(mix)).ToList();

        var byType = events.GroupBy(e => e.Type).ToDictionary(g => g.Key, g => g.Count());
        Assert.InRange(byType["MESSAGE_CREATE"], 1650, 1950);
        Assert.InRange(byType["PRESENCE_UPDATE"], 750, 1050);
        Assert.InRange(byType["TYPING_START"], 200, 400);
        Assert.All(events.Where(e => e.GuildId is not null), e => Assert.False(world.Guilds.First(g => g.Id == e.GuildId).Unavailable));
        Assert.InRange(events.Count(e => e.GuildId is null), 120, 300);
        Assert.DoesNotContain(events, e => e.Type == "PRESENCE_UPDATE" && e.GuildId is null);
        Assert.Equal(events.Count, events.Select(e => e.Uid).Distinct().Count());
        Assert.All(events.Take(200), e => TestWorlds.ParseData(e));
    }

    [Fact]
    public void Next_with_the_same_seed_repeats_the_same_sequence()
    {
        var first = TestWorlds.Create(seed: 5).Factory;
        var second = TestWorlds.Create(seed: 5).Factory;
        var mix = new EventMix { MessageReactionAdd = 0.2, DmFraction = 0.2 };

        var a = Enumerable.Range(0, 100).Select(_ => first.Next(mix)).Select(e => (e.Type, e.GuildId, e.Data.Length)).ToList();
        var b = Enumerable.Range(0, 100).Select(_ => second.Next(mix)).Select(e => (e.Type, e.GuildId, e.Data.Length)).ToList();

        Assert.Equal(a, b);
    }

    [Fact]
    public void Next_without_guilds_produces_dms()
    {
        var (_, factory, _) = TestWorlds.Create(guildCount: 0);

        var events = Enumerable.Range(0, 20).Select(_ => factory.Next(new EventMix())).ToList();

        Assert.All(events, e => Assert.Null(e.GuildId));
        Assert.All(events, e => TestWorlds.ParseData(e));
    }

    [Fact]
    public void Factory_is_thread_safe()
    {
        var (_, factory, _) = TestWorlds.Create(guildCount: 50);
        var mix = new EventMix { MessageReactionAdd = 0.1, DmFraction = 0.05 };

        var events = new System.Collections.Concurrent.ConcurrentBag<SimEvent>();
        Parallel.For(0, 8, _ =>
        {
            for (int i = 0; i < 2000; i++)
            {
                events.Add(factory.Next(mix));
            }
        });

        Assert.Equal(16_000, events.Select(e => e.Uid).Distinct().Count());
        Assert.All(events.Take(500), e => TestWorlds.ParseData(e));
    }
}
