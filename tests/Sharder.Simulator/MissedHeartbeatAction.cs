namespace Sharder.Simulator;

/// <summary>What the server does when a client's heartbeats stop .</summary>
public enum MissedHeartbeatAction
{
    Close4009,
    Fin,
    Close1000,
}
