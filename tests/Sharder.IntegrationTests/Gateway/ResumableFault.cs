namespace Sharder.IntegrationTests.Gateway;

/// <summary>Faults after which Discord keeps the session, so the shard must resume (F-table rows in brackets).</summary>
public enum ResumableFault
{
    /// <summary>F1: op 7 Reconnect; the server closes after the grace period.</summary>
    Reconnect,

    /// <summary>F3: op 9 Invalid Session with d = true.</summary>
    InvalidSessionResumable,

    /// <summary>F5: FIN without a close frame.</summary>
    Fin,

    /// <summary>F6: TCP reset.</summary>
    Rst,

    /// <summary>F7: the server stops reading and writing (zombie connection).</summary>
    Blackhole,

    /// <summary>F8: dispatches keep flowing but every heartbeat ACK is dropped.</summary>
    AckStarvation,

    /// <summary>F24: one compressed message is corrupted.</summary>
    CorruptCompression,
}
