namespace Sharder.Simulator.Ledger;

/// <summary>How a dispatch went out on a connection: live, or replayed after a Resume.</summary>
public enum DeliveryKind
{
    Live,
    Replay,
}
