namespace Sharder.IntegrationTests.MultiProcess;

/// <summary>The POSIX signals a test sends to a silo process.</summary>
internal enum SiloSignal
{
    /// <summary>SIGTERM: graceful stop (shards migrate).</summary>
    Terminate,

    /// <summary>SIGKILL: crash, nothing runs.</summary>
    Kill,

    /// <summary>SIGSTOP: freeze (a hung silo; sockets stay open).</summary>
    Stop,

    /// <summary>SIGCONT: thaw a frozen silo.</summary>
    Continue,
}
