namespace Sharder.Simulator.Ledger;

/// <summary>One published record matched to its routed event (<paramref name="RouteIndex"/> into the ledger's routed list).</summary>
internal readonly record struct Publication(int Position, SessionRoutes Session, long Seq, int RouteIndex, long EventUid);
