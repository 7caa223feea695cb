namespace Sharder.Simulator.Ledger;

/// <summary>Lifecycle events of a gateway session recorded by the protocol layer.</summary>
public enum SessionEventKind
{
    /// <summary>A new session was created (READY sent).</summary>
    Identified,

    /// <summary>A Resume succeeded (replay done, RESUMED sent).</summary>
    Resumed,

    /// <summary>A Resume was refused (op 9 false or a close); the session is gone.</summary>
    ResumeRejected,

    /// <summary>The session was invalidated (op 9 false, 4007/4009, a 1000/1001 client close, …).</summary>
    Invalidated,

    /// <summary>The connection died or closed resumably; the session waits for a Resume and buffers events.</summary>
    Detached,

    /// <summary>The session moved to another live connection (double attachment, F16).</summary>
    Reattached,

    /// <summary>The resume window passed without a Resume.</summary>
    Expired,

    /// <summary>A fatal close (4004, 4010–4014): the shard must stop.</summary>
    FatalClose,

    /// <summary>
    /// The daily identify budget was exceeded and the token was reset. Applies to the whole app: it ends
    /// every session of the app whatever shard fields the record carries.
    /// </summary>
    TokenRevoked,

    /// <summary>An Identify answered with op 9 (concurrency or an injected rejection); no session was created or ended.</summary>
    IdentifyRejected,
}
