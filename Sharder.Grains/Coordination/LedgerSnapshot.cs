namespace Sharder.Grains.Coordination;

/// <summary>The shared ledger as read, with the version a write must match and the server's clock at the read.</summary>
/// <param name="State">The ledger; null when none is stored yet.</param>
/// <param name="Version">The stored version (0 when none).</param>
/// <param name="ServerNow">Redis <c>TIME</c> at the read.</param>
internal sealed record LedgerSnapshot(IdentifyLedgerState? State, long Version, DateTimeOffset ServerNow);
