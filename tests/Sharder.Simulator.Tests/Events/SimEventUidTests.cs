using System.Text;
using Sharder.Simulator.Events;
using Xunit;

namespace Sharder.Simulator.Tests.Events;

public sealed class SimEventUidTests
{
    [Theory]
    [InlineData("""{"x_sim_uid":42,"id":"1"}""", 42)]
    [InlineData("""{"a":{"x_sim_uid":1},"b":[{"x_sim_uid":2}],"x_sim_uid":43}""", 43)]
    [InlineData("""{"x_sim_uid":"44"}""", 44)]
    [InlineData(""" { "x_sim_uid" : 9007199254740993 } """, 9007199254740993)]
    public void TryRead_finds_the_top_level_uid(string json, long expected)
    {
        Assert.True(SimEventUid.TryRead(Encoding.UTF8.GetBytes(json), out long uid));
        Assert.Equal(expected, uid);
    }

    [Theory]
    [InlineData("""{"id":"1"}""")]
    [InlineData("""{"a":{"x_sim_uid":1}}""")]
    [InlineData("""{"x_sim_uid":null}""")]
    [InlineData("""{"x_sim_uid":-3}""")]
    [InlineData("""{"x_sim_uid":1.5}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""{"x_sim_uid":""")]
    [InlineData("")]
    public void TryRead_rejects_payloads_without_a_valid_top_level_uid(string json)
    {
        Assert.False(SimEventUid.TryRead(Encoding.UTF8.GetBytes(json), out _));
    }

    [Fact]
    public void TryReadFromPayload_reads_the_uid_inside_d()
    {
        var payload = """{"t":"MESSAGE_CREATE","s":12,"op":0,"d":{"x_sim_uid":99,"content":"hi"}}"""u8;

        Assert.True(SimEventUid.TryReadFromPayload(payload, out long uid));
        Assert.Equal(99, uid);
        Assert.False(SimEventUid.TryReadFromPayload("""{"t":null,"s":null,"op":11,"d":null}"""u8, out _));
    }

    [Fact]
    public void Every_factory_payload_is_readable()
    {
        var (world, factory, _) = TestWorlds.Create();
        var guild = world.Guilds[0];
        var events = new[]
        {
            factory.MessageCreate(guild.Id),
            factory.MessageCreate(null),
            factory.PresenceUpdate(guild.Id),
            factory.TypingStart(guild.Id),
            factory.MessageReactionAdd(null),
            factory.GuildDelete(guild.Id, true),
            factory.GuildCreate(guild, 0, 50),
            factory.RateLimited(8, 1, guild.Id, null),
            factory.Custom("X", null, "{}"),
        };
        events = [.. events, .. factory.GuildMembersChunks(guild.Id, null, 0, string.Empty, 2)];

        Assert.All(events, e =>
        {
            Assert.True(SimEventUid.TryRead(e.Data.Span, out long uid), e.Type);
            Assert.Equal(e.Uid, uid);
            if (e.DataWithoutContent is { } blank)
            {
                Assert.True(SimEventUid.TryRead(blank.Span, out long blankUid));
                Assert.Equal(e.Uid, blankUid);
            }
        });
    }
}
