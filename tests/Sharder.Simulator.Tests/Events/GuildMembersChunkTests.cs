using System.Globalization;
using Sharder.Simulator.Events;
using Sharder.Simulator.World;
using Xunit;

namespace Sharder.Simulator.Tests.Events;

public sealed class GuildMembersChunkTests
{
    private const int WithMembers = (int)(GatewayIntents.Guilds | GatewayIntents.GuildMembers);

    [Fact]
    public void All_members_come_in_chunks_of_at_most_1000_with_index_count_and_nonce()
    {
        var (world, factory, _) = TestWorlds.Create(guildCount: 0);
        var guild = world.AddGuild(guildCreateBytes: 20 * 1024, memberCount: 2500);

        var chunks = factory.GuildMembersChunks(guild.Id, "req-1", limit: 0, query: string.Empty, WithMembers);

        Assert.Equal(3, chunks.Count);
        var parsed = chunks.Select(TestWorlds.ParseData).ToList();
        for (int i = 0; i < parsed.Count; i++)
        {
            Assert.Equal("GUILD_MEMBERS_CHUNK", chunks[i].Type);
            Assert.Equal(i, parsed[i].GetProperty("chunk_index").GetInt32());
            Assert.Equal(3, parsed[i].GetProperty("chunk_count").GetInt32());
            Assert.Equal("req-1", parsed[i].GetProperty("nonce").GetString());
            Assert.Equal(guild.Id.ToString(CultureInfo.InvariantCulture), parsed[i].GetProperty("guild_id").GetString());
            Assert.InRange(parsed[i].GetProperty("members").GetArrayLength(), 1, EventFactory.MaxMembersPerChunk);
        }

        var ids = parsed.SelectMany(p => p.GetProperty("members").EnumerateArray()).Select(m => m.GetProperty("user").GetProperty("id").GetString()).ToList();
        Assert.Equal(2500, ids.Count);
        Assert.Equal(2500, ids.Distinct().Count());
    }

    [Fact]
    public void Prefix_query_matches_usernames_case_insensitively_and_caps_results()
    {
        var (world, factory, _) = TestWorlds.Create(guildCount: 0);
        var guild = world.AddGuild(guildCreateBytes: 20 * 1024, memberCount: 5000);

        var chunk = Assert.Single(factory.GuildMembersChunks(guild.Id, null, limit: 0, query: "MAPLE", WithMembers));
        var few = Assert.Single(factory.GuildMembersChunks(guild.Id, null, limit: 5, query: "maple1", WithMembers));

        var d = TestWorlds.ParseData(chunk);
        var names = d.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("user").GetProperty("username").GetString()!).ToList();
        Assert.Equal(EventFactory.MaxQueryResults, names.Count);
        Assert.All(names, n => Assert.StartsWith("maple", n, StringComparison.Ordinal));
        Assert.False(d.TryGetProperty("nonce", out _));
        var fewNames = TestWorlds.ParseData(few).GetProperty("members").EnumerateArray().Select(m => m.GetProperty("user").GetProperty("username").GetString()!).ToList();
        Assert.Equal(5, fewNames.Count);
        Assert.All(fewNames, n => Assert.StartsWith("maple1", n, StringComparison.Ordinal));
    }

    [Fact]
    public void Query_without_matches_answers_one_empty_chunk()
    {
        var (world, factory, _) = TestWorlds.Create();

        var chunk = Assert.Single(factory.GuildMembersChunks(world.Guilds[0].Id, "n", 0, "zzz", WithMembers));

        var d = TestWorlds.ParseData(chunk);
        Assert.Equal(0, d.GetProperty("members").GetArrayLength());
        Assert.Equal(1, d.GetProperty("chunk_count").GetInt32());
    }

    [Fact]
    public void All_members_without_the_guild_members_intent_answers_one_empty_chunk()
    {
        var (world, factory, _) = TestWorlds.Create();

        var chunk = Assert.Single(factory.GuildMembersChunks(world.Guilds[0].Id, "n", 0, string.Empty, (int)GatewayIntents.Guilds));

        Assert.Equal(0, TestWorlds.ParseData(chunk).GetProperty("members").GetArrayLength());
    }

    [Fact]
    public void Nonce_is_json_escaped()
    {
        var (world, factory, _) = TestWorlds.Create();
        const string nonce = "a\"b\\c";

        var chunk = Assert.Single(factory.GuildMembersChunks(world.Guilds[0].Id, nonce, 1, string.Empty, WithMembers));

        Assert.Equal(nonce, TestWorlds.ParseData(chunk).GetProperty("nonce").GetString());
    }
}
