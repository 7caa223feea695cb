namespace Sharder.Grains.Gateway.Protocol;

/// <summary>
/// Close codes the Discord gateway sends (4000–4014). What the shard does after each one is decided
/// in one place only: <see cref="CloseCodePolicy.Decide"/>.
/// </summary>
internal enum GatewayCloseCode : ushort
{
    /// <summary>Something went wrong on Discord's side; reconnect and resume.</summary>
    UnknownError = 4000,

    /// <summary>An invalid opcode, or an invalid payload for an opcode, was sent. The session is not resumable.</summary>
    UnknownOpcode = 4001,

    /// <summary>An invalid payload was sent (bad JSON, more than 4096 bytes, ETF atom keys).</summary>
    DecodeError = 4002,

    /// <summary>A payload was sent before Identify, or the session has been invalidated.</summary>
    NotAuthenticated = 4003,

    /// <summary>The token in Identify is wrong. Reconnecting cannot help.</summary>
    AuthenticationFailed = 4004,

    /// <summary>More than one Identify was sent on one connection.</summary>
    AlreadyAuthenticated = 4005,

    /// <summary>Historical "session no longer valid"; not used by gateway v10 but seen occasionally.</summary>
    SessionNoLongerValid = 4006,

    /// <summary>The <c>seq</c> sent in Resume is invalid; a new session is required.</summary>
    InvalidSequence = 4007,

    /// <summary>More than 120 payloads were sent in 60 seconds on this connection.</summary>
    RateLimited = 4008,

    /// <summary>The session timed out; a new session is required.</summary>
    SessionTimedOut = 4009,

    /// <summary>The <c>shard</c> in Identify is invalid (or the shard count is wrong for large-bot sharding).</summary>
    InvalidShard = 4010,

    /// <summary>The session would handle too many guilds; more shards are required.</summary>
    ShardingRequired = 4011,

    /// <summary>The gateway version in the URL is invalid.</summary>
    InvalidApiVersion = 4012,

    /// <summary>The intents bitfield is invalid.</summary>
    InvalidIntents = 4013,

    /// <summary>A privileged intent was requested that is not enabled or approved for the application.</summary>
    DisallowedIntents = 4014,
}
