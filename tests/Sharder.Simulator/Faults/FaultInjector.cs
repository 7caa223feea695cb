using Sharder.Simulator.Net;

namespace Sharder.Simulator.Faults;

/// <summary>
/// Holds the faults that wait for something to happen: the next connection (handshake faults),
/// the next Identify or Resume of a shard (answer rules), or the next connection of a shard that has
/// none right now. Faults on live connections are applied by <see cref="GatewaySimulator.Inject"/> directly.
/// </summary>
internal sealed class FaultInjector
{
    private readonly object _gate = new();
    private readonly List<Pending> _pending = [];

    public int PendingCount
    {
        get { lock (_gate) return _pending.Count; }
    }

    public void Add(FaultSpec spec)
    {
        lock (_gate) _pending.Add(new Pending(spec, Math.Max(1, spec.Count)));
    }

    public void Clear()
    {
        lock (_gate) _pending.Clear();
    }

    /// <summary>Consulted on every upgrade request.</summary>
    public HandshakeFault TakeHandshakeFault(string listener)
    {
        var spec = Take(s => s.Kind is FaultKind.RefuseTcp or FaultKind.ServiceUnavailable or FaultKind.HangHandshake
            && (s.Listener is null || s.Listener == listener));
        return spec?.Kind switch
        {
            FaultKind.RefuseTcp => HandshakeFault.RefuseTcp,
            FaultKind.ServiceUnavailable => HandshakeFault.ServiceUnavailable,
            FaultKind.HangHandshake => HandshakeFault.HangBeforeUpgrade,
            _ => HandshakeFault.None,
        };
    }

    /// <summary>NoHello / ReconnectInsteadOfHello for a new connection.</summary>
    public FaultKind? TakeConnectionStart(string listener) =>
        Take(s => s.Kind is FaultKind.NoHello or FaultKind.ReconnectInsteadOfHello
            && (s.Listener is null || s.Listener == listener))?.Kind;

    /// <summary>An answer rule for the next Identify/Resume of <paramref name="shardId"/> (or any shard).</summary>
    public FaultSpec? TakeRule(FaultKind kind, int shardId) =>
        Take(s => s.Kind == kind && (s.ShardId is null || s.ShardId == shardId));

    /// <summary>Connection faults that waited for this shard to have a connection.</summary>
    public List<FaultSpec> TakeDeferred(int shardId)
    {
        var taken = new List<FaultSpec>();
        while (Take(s => IsDeferredConnectionFault(s) && s.ShardId == shardId) is { } spec) taken.Add(spec);
        return taken;
    }

    public static bool IsHandshakeOrStart(FaultKind kind) => kind is FaultKind.RefuseTcp or FaultKind.ServiceUnavailable
        or FaultKind.HangHandshake or FaultKind.NoHello or FaultKind.ReconnectInsteadOfHello;

    public static bool IsAnswerRule(FaultKind kind) => kind is FaultKind.InvalidSessionOnResume or FaultKind.InvalidSeqOnResume
        or FaultKind.RejectIdentify or FaultKind.WithholdReady;

    private static bool IsDeferredConnectionFault(FaultSpec s) => !IsHandshakeOrStart(s.Kind) && !IsAnswerRule(s.Kind);

    private FaultSpec? Take(Func<FaultSpec, bool> match)
    {
        lock (_gate)
        {
            for (var i = 0; i < _pending.Count; i++)
            {
                var p = _pending[i];
                if (!match(p.Spec)) continue;
                if (--p.Remaining == 0) _pending.RemoveAt(i);
                return p.Spec;
            }
        }

        return null;
    }

    private sealed class Pending(FaultSpec spec, int remaining)
    {
        public FaultSpec Spec { get; } = spec;
        public int Remaining { get; set; } = remaining;
    }
}
