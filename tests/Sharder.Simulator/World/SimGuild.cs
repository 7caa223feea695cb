using System.Text.Json;

namespace Sharder.Simulator.World;

/// <summary>
/// One guild of the simulated world. Member 0 is always the bot; members <c>[0, OnlineMemberCount)</c> are online.
/// </summary>
public sealed class SimGuild
{
    private volatile bool _unavailable;

    internal SimGuild(
        ulong id,
        string name,
        int memberCount,
        int onlineMemberCount,
        int channelCount,
        int guildCreateBytes,
        DateTimeOffset joinedAt,
        bool unavailable)
    {
        Id = id;
        Name = name;
        MemberCount = memberCount;
        OnlineMemberCount = onlineMemberCount;
        ChannelCount = channelCount;
        GuildCreateBytes = guildCreateBytes;
        JoinedAt = joinedAt;
        _unavailable = unavailable;
        NameJson = JsonEncodedText.Encode(name).EncodedUtf8Bytes.ToArray();
    }

    public ulong Id { get; }

    public string Name { get; }

    /// <summary>The guild's <c>member_count</c>; it decides <c>large</c> and the 75k trimming rule.</summary>
    public int MemberCount { get; }

    /// <summary>Members with a presence; a large guild sends only these in GUILD_CREATE.</summary>
    public int OnlineMemberCount { get; }

    public int ChannelCount { get; }

    /// <summary>
    /// Approximate size in bytes of this guild's GUILD_CREATE <c>d</c> for a session with GUILD_PRESENCES
    /// (members and presences untrimmed). Sessions without it receive a much smaller payload.
    /// </summary>
    public int GuildCreateBytes { get; }

    /// <summary>When the bot joined (GUILD_CREATE <c>joined_at</c>).</summary>
    public DateTimeOffset JoinedAt { get; }

    /// <summary>True while the guild is in an outage: GUILD_CREATE then carries only <c>{id, unavailable:true}</c>.</summary>
    public bool Unavailable
    {
        get => _unavailable;
        set => _unavailable = value;
    }

    public DateTimeOffset CreatedAt => Snowflake.TimestampOf(Id);

    /// <summary>The name as escaped UTF-8 JSON string content, without quotes.</summary>
    internal byte[] NameJson { get; }

    public override string ToString() =>
        $"guild {Id} '{Name}' members={MemberCount} online={OnlineMemberCount} channels={ChannelCount} ~{GuildCreateBytes} B";
}
