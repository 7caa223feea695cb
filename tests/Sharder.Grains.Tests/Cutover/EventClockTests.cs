using System.Text;
using Sharder.Grains.Cutover;

namespace Sharder.Grains.Tests.Cutover;

public sealed class EventClockTests
{
    // 1 << 22 past Discord's epoch plus 1,000 ms: id = (1000 << 22).
    private const string OneSecondSnowflake = "4194304000";
    private const long OneSecondAfterEpoch = EventClock.DiscordEpochUnixMilliseconds + 1000;

    public static TheoryData<string, string, long?> Table => new()
    {
        { "MESSAGE_CREATE", $$"""{"channel_id":"1","id":"{{OneSecondSnowflake}}","content":"x"}""", OneSecondAfterEpoch },
        { "INTERACTION_CREATE", $$"""{"id":"{{OneSecondSnowflake}}","type":2}""", OneSecondAfterEpoch },
        { "CHANNEL_CREATE", $$"""{"id":"{{OneSecondSnowflake}}"}""", OneSecondAfterEpoch },
        { "THREAD_CREATE", $$"""{"guild_id":"9","id":"{{OneSecondSnowflake}}"}""", OneSecondAfterEpoch },
        { "GUILD_ROLE_CREATE", """{"guild_id":"9","role":{"name":"r","id":"4194304000"}}""", OneSecondAfterEpoch },
        { "MESSAGE_UPDATE", """{"id":"5","edited_timestamp":"2026-12-05T06:00:00.250000+00:00"}""", 1_796_450_400_250 },
        { "MESSAGE_UPDATE", """{"id":"5","edited_timestamp":null}""", null },
        { "MESSAGE_UPDATE", """{"id":"5"}""", null },
        { "GUILD_MEMBER_ADD", """{"user":{"id":"3"},"joined_at":"2026-12-05T06:00:00Z"}""", 1_796_450_400_000 },
        { "TYPING_START", """{"channel_id":"1","timestamp":1796450400}""", 1_796_450_400_000 },
        { "PRESENCE_UPDATE", """{"user":{"id":"4194304000"},"status":"online"}""", null },
        { "MESSAGE_REACTION_ADD", """{"message_id":"4194304000"}""", null },
        { "GUILD_CREATE", """{"id":"4194304000"}""", null },
        // The nested id of another object is never taken for the event's own.
        { "MESSAGE_CREATE", """{"author":{"id":"4194304000"},"content":"x"}""", null },
        { "MESSAGE_CREATE", """{"id":"not-a-number"}""", null },
        { "MESSAGE_CREATE", """{"id":"4194304000" """, OneSecondAfterEpoch },
        { "MESSAGE_CREATE", """[1,2]""", null },
        { "MESSAGE_CREATE", """{"id":""", null },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Reads_the_clock_the_table_names(string eventType, string data, long? expected)
        => Assert.Equal(expected, EventClock.Read(eventType, Encoding.UTF8.GetBytes(data)));

    [Fact]
    public void Snowflake_time_is_the_top_42_bits_past_discords_epoch()
        => Assert.Equal(1_462_015_105_796, EventClock.SnowflakeTime(175_928_847_299_117_063)); // Discord's documented example
}
