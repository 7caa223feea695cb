namespace Sharder.Simulator.Sessions;

/// <summary>R-5.1: a session is attached to one connection, detached (resumable for a while) or invalidated.</summary>
public enum SessionState
{
    Attached,
    Detached,
    Invalidated,
}
