namespace Sharder.Client.Commands;

/// <summary>
/// Why <see cref="CommandValidator"/> refused a command: the same names as the silo's dead-letter
/// <c>reason</c> for the checks a worker can make before sending (the silo's rules, kept in step by a test).
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

    /// <summary><c>op</c> or <c>d</c> appears twice.</summary>
    DuplicateField,

    /// <summary>No <c>op</c>, or one that is not an integer.</summary>
    MissingOp,

    /// <summary><c>op</c> is not on the allow-list (Identify, Resume, Heartbeat and unknown ops never are).</summary>
    OpNotAllowed,

    /// <summary>No <c>d</c>, or one that is not an object.</summary>
    MissingData,

    /// <summary>A guild-routed command without a valid <c>d.guild_id</c>.</summary>
    NoGuildId,
}
