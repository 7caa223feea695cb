using System.Globalization;
using System.Net;

namespace Sharder.Grains.Commands;

/// <summary>
/// Finds the Redis Cluster primary that owns the command lists and connects to it. In
/// <see cref="Sink.RedisKeyLayout.Cluster"/> every command key carries the hash tag <c>{prefix}</c>, so they
/// all live in one slot on one primary and the pump's single BLPOP over many lists stays legal (a BLPOP over
/// keys of several slots is refused with CROSSSLOT). Commands are a trickle next to events (Discord allows a
/// shard 120 per minute), so one slot carries them easily; that is why the lists share one tag instead of
/// the pump keeping a blocking connection per node or polling each list.
/// </summary>
/// <remarks>
/// Each connect asks a known node (the last owner first, then every node seen in an earlier answer, then the
/// configured addresses) for <c>CLUSTER KEYSLOT</c> and <c>CLUSTER SLOTS</c> and connects to the slot's primary.
/// A failover breaks the pump's connection (the old primary dies, or answers MOVED or UNBLOCKED once it is a
/// replica); the pump reconnects with its usual backoff and so re-resolves the owner. An ASK during a slot
/// migration is handled the same way: an error, then a new resolve, until the migration is done. Not
/// thread-safe beyond what the pump needs: each caller gets its own connection.
/// </remarks>
internal sealed class CommandNodeLocator
{
    private readonly RespEndpoint _seed;
    private readonly string _key;
    private readonly Lock _gate = new();
    private readonly List<RespEndpoint> _known = [];
    private readonly RespEndpoint[] _seeds;
    private RespEndpoint? _owner;

    /// <param name="seed">The configured address; its user, password and TLS settings are used for every node.</param>
    /// <param name="key">A key of the slot to find (any command key: they share the tag).</param>
    /// <param name="otherSeeds">More configured nodes, asked when the seed does not answer.</param>
    public CommandNodeLocator(RespEndpoint seed, string key, IReadOnlyList<RespEndpoint>? otherSeeds = null)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        _seed = seed;
        _key = key;
        _seeds = [seed, .. otherSeeds ?? []];
    }

    /// <summary>The primary found last, or the configured address before the first connect.</summary>
    public RespEndpoint Current
    {
        get
        {
            lock (_gate)
            {
                return _owner ?? _seed;
            }
        }
    }

    /// <summary>A connection to the primary that owns the command lists' slot now, and that primary.</summary>
    /// <exception cref="Exception">No node could be asked, or the owner could not be reached; the caller retries.</exception>
    public async Task<(RespConnection Connection, RespEndpoint Node)> ConnectAsync(
        TimeSpan connectTimeout, TimeSpan responseTimeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        Exception? last = null;
        foreach (var candidate in Candidates())
        {
            RespConnection? connection = null;
            try
            {
                connection = await RespConnection.ConnectAsync(candidate, connectTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
                var owner = await FindOwnerAsync(connection, candidate, responseTimeout, cancellationToken).ConfigureAwait(false);
                lock (_gate)
                {
                    _owner = owner;
                }

                if (SameNode(owner, candidate))
                {
                    var owned = connection;
                    connection = null;
                    return (owned, owner);
                }

                connection.Dispose();
                connection = null;
                return (await RespConnection.ConnectAsync(owner, connectTimeout, timeProvider, cancellationToken).ConfigureAwait(false), owner);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                last = exception;
            }
            finally
            {
                connection?.Dispose();
            }
        }

        throw last ?? new InvalidOperationException("No Redis Cluster node is known.");
    }

    private List<RespEndpoint> Candidates()
    {
        lock (_gate)
        {
            var candidates = new List<RespEndpoint>(_known.Count + 2);
            if (_owner is { } owner)
            {
                candidates.Add(owner);
            }

            foreach (var node in _known.Concat(_seeds))
            {
                if (!candidates.Exists(c => SameNode(c, node)))
                {
                    candidates.Add(node);
                }
            }

            return candidates;
        }
    }

    private async Task<RespEndpoint> FindOwnerAsync(
        RespConnection connection, RespEndpoint asked, TimeSpan responseTimeout, CancellationToken cancellationToken)
    {
        long slot = (await connection.ExecuteAsync(["CLUSTER", "KEYSLOT", _key], responseTimeout, cancellationToken).ConfigureAwait(false))
            .ThrowIfError().Integer;
        var slots = (await connection.ExecuteAsync(["CLUSTER", "SLOTS"], responseTimeout, cancellationToken).ConfigureAwait(false))
            .ThrowIfError();
        RespEndpoint? owner = null;
        var seen = new List<RespEndpoint>();
        // Each range: [first slot, last slot, [host, port, id, ...] of the primary, then one per replica].
        foreach (var range in slots.Items)
        {
            if (range.Items.Count < 3)
            {
                continue;
            }

            for (int i = 2; i < range.Items.Count; i++)
            {
                var node = NodeOf(range.Items[i], asked);
                if (node is not null && !seen.Exists(s => SameNode(s, node)))
                {
                    seen.Add(node);
                }
            }

            if (range.Items[0].Integer <= slot && slot <= range.Items[1].Integer)
            {
                owner = NodeOf(range.Items[2], asked);
            }
        }

        lock (_gate)
        {
            if (seen.Count > 0)
            {
                _known.Clear();
                _known.AddRange(seen);
            }
        }

        return owner ?? throw new InvalidOperationException(
            $"No Redis Cluster primary serves slot {slot.ToString(CultureInfo.InvariantCulture)} of {_key} (CLUSTERDOWN or a slot migration).");
    }

    /// <summary>A node of a CLUSTER SLOTS answer, reached the way the configured address is (user, password, TLS).</summary>
    private RespEndpoint? NodeOf(RespReply node, RespEndpoint asked)
    {
        if (node.Items.Count < 2 || node.Items[1].Kind != RespReplyKind.Integer)
        {
            return null;
        }

        // An empty or "?" host means "the address you reached me on" (Redis 7).
        var host = node.Items[0].Text;
        if (string.IsNullOrEmpty(host) || host == "?")
        {
            host = HostOf(asked.EndPoint);
        }

        int port = (int)node.Items[1].Integer;
        EndPoint endPoint = IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);
        // The certificate names the node unless sslHost named another host for every connection.
        string? tlsHost = string.Equals(_seed.TlsHost, HostOf(_seed.EndPoint), StringComparison.OrdinalIgnoreCase) ? null : _seed.TlsHost;
        return new RespEndpoint(endPoint, _seed.User, _seed.Password, 0, _seed.UseTls, tlsHost, _seed.CertificateValidation);
    }

    /// <summary>Whether both name the same host and port.</summary>
    public static bool SameNode(RespEndpoint a, RespEndpoint b)
        => string.Equals(HostOf(a.EndPoint), HostOf(b.EndPoint), StringComparison.OrdinalIgnoreCase) && PortOf(a.EndPoint) == PortOf(b.EndPoint);

    private static string HostOf(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => dns.Host,
        IPEndPoint ip => ip.Address.ToString(),
        _ => endPoint.ToString() ?? string.Empty,
    };

    private static int PortOf(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => dns.Port,
        IPEndPoint ip => ip.Port,
        _ => 0,
    };
}
