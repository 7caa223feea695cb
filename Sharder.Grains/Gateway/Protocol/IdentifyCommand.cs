namespace Sharder.Grains.Gateway.Protocol;

/// <summary>
/// The values of one Identify (op 2). A plain struct rather than a record on purpose: a record's
/// generated <c>ToString</c> would print the token into any log that formats it.
/// </summary>
internal readonly struct IdentifyCommand
{
    /// <summary>Bot token, sent as given (with or without the <c>Bot </c> prefix; Discord accepts both).</summary>
    public required string Token { get; init; }

    /// <summary>Gateway intents bitfield.</summary>
    public required ulong Intents { get; init; }

    /// <summary>Zero-based shard id.</summary>
    public required int ShardId { get; init; }

    /// <summary>Total number of shards.</summary>
    public required int ShardCount { get; init; }

    /// <summary>Member count (50–250) above which offline members are not sent.</summary>
    public required int LargeThreshold { get; init; }

    /// <summary>Optional initial presence as raw JSON (an Update Presence object); empty for none.</summary>
    public ReadOnlyMemory<byte> PresenceJson { get; init; }
}
