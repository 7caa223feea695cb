namespace Sharder.Grains.Gateway.Protocol;

/// <summary>Gateway payload opcodes (the <c>op</c> field), Discord API v10.</summary>
internal enum GatewayOpcode
{
    /// <summary>Receive: an event was dispatched; <c>t</c> and <c>s</c> are set.</summary>
    Dispatch = 0,

    /// <summary>Send: keep-alive. Receive: the gateway asks for an immediate heartbeat.</summary>
    Heartbeat = 1,

    /// <summary>Send: start a new session.</summary>
    Identify = 2,

    /// <summary>Send: update the client's presence.</summary>
    PresenceUpdate = 3,

    /// <summary>Send: join, move between or leave voice channels.</summary>
    VoiceStateUpdate = 4,

    /// <summary>Send: resume a disconnected session.</summary>
    Resume = 6,

    /// <summary>Receive: reconnect and resume immediately.</summary>
    Reconnect = 7,

    /// <summary>Send: request guild members (answered by GUILD_MEMBERS_CHUNK dispatches).</summary>
    RequestGuildMembers = 8,

    /// <summary>Receive: the session was invalidated; <c>d</c> says whether it may be resumed.</summary>
    InvalidSession = 9,

    /// <summary>Receive: sent right after connecting; carries <c>heartbeat_interval</c>.</summary>
    Hello = 10,

    /// <summary>Receive: acknowledges a heartbeat.</summary>
    HeartbeatAck = 11,

    /// <summary>Send: request soundboard sounds (answered by a SOUNDBOARD_SOUNDS dispatch).</summary>
    RequestSoundboardSounds = 31,

    /// <summary>Send: request channel info (answered by a CHANNEL_INFO dispatch).</summary>
    RequestChannelInfo = 43,
}
