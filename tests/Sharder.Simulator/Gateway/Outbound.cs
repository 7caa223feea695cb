using Sharder.Simulator.Ledger;
using Sharder.Simulator.Sessions;

namespace Sharder.Simulator.Gateway;

/// <summary>One item for a connection's writer. Everything a connection sends goes through its
/// writer so frames, closes and aborts happen in the order they were decided.</summary>
internal readonly record struct Outbound(OutboundKind Kind, byte[]? Frame = null, SimSession? Session = null,
    BufferedDispatch Dispatch = default, DeliveryKind Delivery = DeliveryKind.Live, int CloseCode = 0, string? Reason = null);
