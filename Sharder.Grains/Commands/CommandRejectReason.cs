namespace Sharder.Grains.Commands;

/// <summary>
/// Why a worker command was not sent to the gateway. The name is the <c>reason</c> of a dead-letter entry and
/// the <c>reason</c> tag of the command metrics: part of the contract, never rename.
/// </summary>
public enum CommandRejectReason
{
    /// <summary>The payload has no bytes.</summary>
    Empty,

    /// <summary>Over 4096 bytes (Discord closes with 4002 above it).</summary>
    TooLarge,

    /// <summary>Not valid UTF-8.</summary>
    InvalidUtf8,

    /// <summary>Not well-formed JSON, or data after the value.</summary>
    InvalidJson,

    /// <summary>A string holds a <c>\uD800</c>-style escape without its other half.</summary>
    LoneSurrogate,

    /// <summary>Well-formed JSON, but not an object.</summary>
    NotAnObject,

    /// <summary><c>op</c> or <c>d</c> appears twice; which one the gateway reads is not defined.</summary>
    DuplicateField,

    /// <summary>No <c>op</c>, or one that is not an integer.</summary>
    MissingOp,

    /// <summary><c>op</c> is not on the allow-list (Identify, Resume, Heartbeat and unknown ops never are).</summary>
    OpNotAllowed,

    /// <summary>No <c>d</c>, or one that is not an object.</summary>
    MissingData,

    /// <summary>A guild-routed command without a valid <c>d.guild_id</c>.</summary>
    NoGuildId,

    /// <summary>The command names a shard the bot does not have.</summary>
    UnknownShard,

    /// <summary>No silo took the shard's commands for <see cref="CommandPumpOptions.UndeliverableAfter"/>.</summary>
    ShardNotHosted,

    /// <summary>The shard closed for good (4004, 4010-4014); its commands cannot be sent.</summary>
    ShardFatallyClosed,

    /// <summary>Reading the command failed unexpectedly; only this command is dropped.</summary>
    ReadFailed,
}
