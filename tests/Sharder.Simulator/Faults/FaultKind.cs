namespace Sharder.Simulator.Faults;

/// <summary>The fault catalogue of gateway-simulator.md R-9 (row ids in the comments).</summary>
public enum FaultKind
{
    /// <summary>F1/F30: op 7, then the server closes after the grace period (FIN unless a close code is given).</summary>
    Reconnect,
    /// <summary>F1b: the next connection(s) get op 7 instead of Hello.</summary>
    ReconnectInsteadOfHello,
    /// <summary>F2 (Resumable=false) / F3 (Resumable=true): op 9 mid-session; the socket stays open.</summary>
    InvalidSession,
    /// <summary>F4: the next Resume is answered with op 9 false (the session is gone).</summary>
    InvalidSessionOnResume,
    /// <summary>F5: FIN without a close frame.</summary>
    Fin,
    /// <summary>F6: TCP reset.</summary>
    Rst,
    /// <summary>F7: keep TCP open, stop reading and writing.</summary>
    Blackhole,
    /// <summary>F8: keep sending dispatches, drop every op 11.</summary>
    DropAcks,
    /// <summary>F9: delay each op 11 by a random delay in [0, DelayMs].</summary>
    DelayAcks,
    /// <summary>F10: the server asks for a heartbeat (op 1).</summary>
    RequestHeartbeat,
    /// <summary>F12: close with <see cref="FaultSpec.CloseCode"/>.</summary>
    Close,
    /// <summary>F13: the session expires now (a later Resume gets op 9 false).</summary>
    ExpireSession,
    /// <summary>F15: the next Resume's seq is treated as invalid: close 4007.</summary>
    InvalidSeqOnResume,
    /// <summary>F17: the next Identify is rejected with op 9 as if rate-limited.</summary>
    RejectIdentify,
    /// <summary>F23: split each zlib-stream message into <see cref="FaultSpec.Pieces"/> WS messages.</summary>
    SplitZlib,
    /// <summary>F23: fragment WS messages into continuation frames, optionally with pings between them.</summary>
    Fragment,
    /// <summary>F24: corrupt the next compressed message.</summary>
    Corrupt,
    /// <summary>F25: the next connection(s) are reset right after TCP accept.</summary>
    RefuseTcp,
    /// <summary>F25: the next upgrade(s) are answered with HTTP 503.</summary>
    ServiceUnavailable,
    /// <summary>F25: the next upgrade(s) are never answered.</summary>
    HangHandshake,
    /// <summary>F25: the next connection(s) complete the upgrade but never get Hello.</summary>
    NoHello,
    /// <summary>F26: after the next accepted Identify, READY is withheld for <see cref="FaultSpec.DelayMs"/> while heartbeats are ACKed.</summary>
    WithholdReady,
    /// <summary>Clears persistent connection modes (DropAcks, DelayAcks, SplitZlib, Fragment).</summary>
    ClearModes,
}
