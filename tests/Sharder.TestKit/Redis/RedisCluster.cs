using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Sharder.TestKit.Redis;

/// <summary>
/// A throw-away Redis Cluster on loopback: <see cref="Primaries"/> primaries with one replica each, every node a
/// <see cref="RedisServer"/> started with <c>--cluster-enabled yes</c> and joined by
/// <c>redis-cli --cluster create … --cluster-replicas 1</c>. The node timeout is short
/// (<see cref="NodeTimeout"/>) so that a killed primary is replaced by its replica within a few seconds.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    /// <summary>Primaries (each with one replica, so twice as many nodes).</summary>
    public const int Primaries = 3;

    /// <summary>cluster-node-timeout: how long a primary may be silent before its replica takes over.</summary>
    public static readonly TimeSpan NodeTimeout = TimeSpan.FromMilliseconds(1000);

    private static readonly TimeSpan _formTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan _cliTimeout = TimeSpan.FromSeconds(30);

    private readonly List<RedisServer> _nodes = [];

    /// <summary>Every node, primaries and replicas as they were created (roles change with failovers).</summary>
    public IReadOnlyList<RedisServer> Nodes => _nodes;

    /// <summary>StackExchange.Redis connection string naming every node, e.g. "127.0.0.1:7000,127.0.0.1:7001,…".</summary>
    public string ConnectionString => string.Join(',', _nodes.Select(node => node.ConnectionString));

    /// <summary>Starts the nodes, forms the cluster and returns once every slot is served and every node says so.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var nodes = await Task.WhenAll(Enumerable.Range(0, Primaries * 2).Select(_ => StartNodeAsync(cancellationToken))).ConfigureAwait(false);
        _nodes.AddRange(nodes);
        await RunCliAsync(
            ["--cluster", "create", .. _nodes.Select(node => node.ConnectionString), "--cluster-replicas", "1", "--cluster-yes"],
            cancellationToken).ConfigureAwait(false);
        await WaitUntilHealthyAsync(_formTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts one cluster-enabled node. The cluster bus needs a port of its own (the default, port + 10000, may not
    /// exist above 55535); another process may take it between probing and binding, so a node that fails to start is
    /// tried again with new ports.
    /// </summary>
    private static async Task<RedisServer> StartNodeAsync(CancellationToken cancellationToken)
    {
        const int attempts = 3;
        for (int attempt = 1; ; attempt++)
        {
            var node = new RedisServer(extraArguments:
            [
                "--cluster-enabled", "yes",
                "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", ((int)NodeTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                "--cluster-port", ReserveFreePort().ToString(CultureInfo.InvariantCulture),
            ]);
            try
            {
                await node.StartAsync(cancellationToken).ConfigureAwait(false);
                return node;
            }
            catch (InvalidOperationException) when (attempt < attempts)
            {
                await node.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await node.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>
    /// Waits until every running node reports <c>cluster_state:ok</c>, all agree on one primary per slot range,
    /// and every replica's link to its primary is up.
    /// </summary>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await Eventually.TrueAsync(
            async () =>
            {
                string? agreed = null;
                foreach (var node in _nodes.Where(n => n.IsRunning))
                {
                    var info = await TryCliAsync(node.Port, ["CLUSTER", "INFO"], cancellationToken).ConfigureAwait(false);
                    if (info is null || !info.Contains("cluster_state:ok", StringComparison.Ordinal))
                    {
                        return false;
                    }

                    var view = await PrimaryViewAsync(node.Port, cancellationToken).ConfigureAwait(false);
                    if (view is null || (agreed is not null && view != agreed))
                    {
                        return false;
                    }

                    agreed = view;
                    var replication = await TryCliAsync(node.Port, ["INFO", "replication"], cancellationToken).ConfigureAwait(false);
                    if (replication is null
                        || (replication.Contains("role:slave", StringComparison.Ordinal)
                            && !replication.Contains("master_link_status:up", StringComparison.Ordinal)))
                    {
                        return false;
                    }
                }

                return agreed is not null;
            },
            timeout,
            "every Redis Cluster node reports cluster_state:ok, agrees on the primaries and every replica is linked").ConfigureAwait(false);
    }

    /// <summary>The port of the primary that serves <paramref name="key"/>'s slot, as a running node sees it.</summary>
    public async Task<int> PrimaryPortOfAsync(string key, CancellationToken cancellationToken = default)
    {
        var asked = _nodes.First(n => n.IsRunning).Port;
        var slotText = await RunCliAsync(["-p", asked.ToString(CultureInfo.InvariantCulture), "CLUSTER", "KEYSLOT", key], cancellationToken)
            .ConfigureAwait(false);
        int slot = int.Parse(slotText.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);
        var nodes = await RunCliAsync(["-p", asked.ToString(CultureInfo.InvariantCulture), "CLUSTER", "NODES"], cancellationToken)
            .ConfigureAwait(false);
        foreach (var line in nodes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(' ');
            if (fields.Length < 9 || !fields[2].Contains("master", StringComparison.Ordinal) || fields[2].Contains("fail", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var range in fields[8..])
            {
                var bounds = range.Split('-');
                if (bounds.Length is 1 or 2 && int.TryParse(bounds[0], CultureInfo.InvariantCulture, out int first)
                    && int.TryParse(bounds[^1], CultureInfo.InvariantCulture, out int last) && first <= slot && slot <= last)
                {
                    return PortOf(fields[1]);
                }
            }
        }

        throw new InvalidOperationException($"No healthy primary serves slot {slot} of {key}:{Environment.NewLine}{nodes}");
    }

    /// <summary>
    /// Kills (SIGKILL, no shutdown) the primary serving <paramref name="key"/>, as a crash would; its replica takes over
    /// after <see cref="NodeTimeout"/> and an election. Returns the killed node.
    /// </summary>
    public async Task<RedisServer> KillPrimaryOfAsync(string key, CancellationToken cancellationToken = default)
    {
        int port = await PrimaryPortOfAsync(key, cancellationToken).ConfigureAwait(false);
        var node = _nodes.Single(n => n.IsRunning && n.Port == port);
        using var process = Process.GetProcessById(node.ProcessId!.Value);
        process.Kill();
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return node;
    }

    /// <summary>
    /// A graceful failover (<c>CLUSTER FAILOVER</c> on the replica of <paramref name="key"/>'s primary): the replica
    /// catches up, takes over, and the old primary stays up as its replica. Returns once the cluster agrees on the new
    /// primary; returns the new primary's port.
    /// </summary>
    public async Task<int> FailOverPrimaryOfAsync(string key, CancellationToken cancellationToken = default)
    {
        int replica = 0;
        // After an earlier failover the nodes may still be telling each other who replicates whom: wait for a replica.
        await Eventually.TrueAsync(
            async () =>
            {
                int primary = await PrimaryPortOfAsync(key, cancellationToken).ConfigureAwait(false);
                var nodes = await TryCliAsync(primary, ["CLUSTER", "NODES"], cancellationToken).ConfigureAwait(false);
                var lines = (nodes ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(l => l.Split(' ')).Where(f => f.Length >= 8).ToList();
                var primaryId = lines.FirstOrDefault(f => f[2].Contains("myself", StringComparison.Ordinal))?[0];
                var found = lines.FirstOrDefault(f => f[2].Contains("slave", StringComparison.Ordinal) && !f[2].Contains("fail", StringComparison.Ordinal)
                    && f[3] == primaryId && f[7] == "connected");
                replica = found is null ? 0 : PortOf(found[1]);
                return replica != 0;
            },
            _formTimeout,
            $"the primary of {key} has a connected replica").ConfigureAwait(false);
        await RunCliAsync(["-p", replica.ToString(CultureInfo.InvariantCulture), "CLUSTER", "FAILOVER"], cancellationToken).ConfigureAwait(false);
        await Eventually.TrueAsync(
            async () => await PrimaryPortOfAsync(key, cancellationToken).ConfigureAwait(false) == replica,
            _formTimeout,
            $"the replica on port {replica} serves {key} as primary").ConfigureAwait(false);
        await WaitUntilHealthyAsync(_formTimeout, cancellationToken).ConfigureAwait(false);
        return replica;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>"range:primary-port" for every healthy primary, sorted: two nodes agree when this text is equal.</summary>
    private static async Task<string?> PrimaryViewAsync(int port, CancellationToken cancellationToken)
    {
        var nodes = await TryCliAsync(port, ["CLUSTER", "NODES"], cancellationToken).ConfigureAwait(false);
        if (nodes is null)
        {
            return null;
        }

        var view = new List<string>();
        foreach (var line in nodes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(' ');
            if (fields.Length >= 9 && fields[2].Contains("master", StringComparison.Ordinal) && !fields[2].Contains("fail", StringComparison.Ordinal))
            {
                view.AddRange(fields[8..].Select(range => $"{range}:{PortOf(fields[1])}"));
            }
        }

        view.Sort(StringComparer.Ordinal);
        return string.Join(' ', view);
    }

    /// <summary>The port of "ip:port@busport" (CLUSTER NODES).</summary>
    private static int PortOf(string address)
    {
        var hostPort = address.Split('@')[0];
        return int.Parse(hostPort[(hostPort.LastIndexOf(':') + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    private static async Task<string?> TryCliAsync(int port, IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        try
        {
            return await RunCliAsync(["-p", port.ToString(CultureInfo.InvariantCulture), .. command], cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            return null; // the node is down or not ready yet
        }
    }

    /// <summary>Runs redis-cli (next to redis-server) and returns what it printed; throws when it fails.</summary>
    private static async Task<string> RunCliAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var cli = Path.Combine(Path.GetDirectoryName(RedisServerLocator.Locate())!, "redis-cli");
        var start = new ProcessStartInfo(cli)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-h");
        start.ArgumentList.Add("127.0.0.1");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("redis-cli did not start.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_cliTimeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        var text = await output.ConfigureAwait(false);
        var errors = await error.ConfigureAwait(false);
        // redis-cli exits 0 even for an error reply to a plain command; it prints "ERR ..." or "Could not connect".
        if (process.ExitCode != 0 || text.StartsWith("ERR", StringComparison.Ordinal) || text.StartsWith("CLUSTERDOWN", StringComparison.Ordinal)
            || errors.Contains("Could not connect", StringComparison.Ordinal) || text.Contains("Could not connect", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"redis-cli {string.Join(' ', arguments)} failed ({process.ExitCode}): {text}{errors}");
        }

        return text;
    }

    private static int ReserveFreePort() => Net.LoopbackPorts.Reserve();
}
