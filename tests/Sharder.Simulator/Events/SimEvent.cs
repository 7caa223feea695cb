using Sharder.Simulator.World;

namespace Sharder.Simulator.Events;

/// <summary>
/// One logical dispatch produced by the world. <paramref name="Data"/> is the compact UTF-8 JSON of <c>d</c>;
/// <paramref name="DataWithoutContent"/> is the variant with message content fields blanked (message events
/// only, otherwise null). Both carry the uid as described in <see cref="SimEventUid"/>.
/// </summary>
public sealed record SimEvent(
    long Uid,
    string Type,
    ulong? GuildId,
    ReadOnlyMemory<byte> Data,
    ReadOnlyMemory<byte>? DataWithoutContent,
    DateTimeOffset ProducedAt)
{
    /// <summary>True for a message that mentions the bot (its content is never blanked).</summary>
    public bool MentionsBot { get; init; }

    public bool IsGuildEvent => GuildId is not null;

    /// <summary>The payload a session with these intents receives (GP §11 content rules).</summary>
    public ReadOnlyMemory<byte> DataFor(int intents) =>
        DataWithoutContent is { } blanked
        && IntentRules.MustBlankContent(Type, IsGuildEvent, intents, MentionsBot)
            ? blanked
            : Data;
}
