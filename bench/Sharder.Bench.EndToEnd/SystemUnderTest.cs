using System.Diagnostics;
using System.Globalization;
using Sharder.Simulator;

namespace Sharder.Bench.EndToEnd;

/// <summary>A running gateway process that pushes dispatches to a Redis list: a Sharder silo or the JavaScript peer.</summary>
internal sealed class SystemUnderTest(string name, Process process, string listKey)
{
    public const int Intents = 1 | 512 | 32768; // GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT: full ~1 KB messages

    public string Name => name;
    public Process Process => process;
    public string ListKey => listKey;

    /// <summary>Starts one silo (Release build, its own ports and key prefix) and waits until all its shards are READY.</summary>
    public static async Task<SystemUnderTest> StartSiloAsync(ChildProcesses children, string siloDll, GatewaySimulator simulator,
        string redisAddress, int shards, string compression, string prefix, TimeSpan readyTimeout)
    {
        var ports = FreePorts.Take(3);
        var env = new Dictionary<string, string>
        {
            ["REDIS_ADDR"] = redisAddress,
            ["DISCORD_TOKEN"] = simulator.Token,
            ["DISCORD_SHARD_TOTAL"] = shards.ToString(CultureInfo.InvariantCulture),
            ["Discord__ApiBaseUrl"] = simulator.RestUrl,
            ["Discord__GatewayUrl"] = simulator.GatewayUrl,
            ["Cluster__ClusterId"] = prefix,
            ["Cluster__ServiceId"] = prefix,
            ["Cluster__AdvertisedIp"] = "127.0.0.1",
            ["Cluster__ShutdownTimeout"] = "00:00:10",
            // The simulator's identify window is 100 ms, so the start does not wait 5.5 s per bucket.
            ["Coordinator__IdentifyWindow"] = "00:00:00.200",
            ["Coordinator__IdentifySlotGrace"] = "00:00:00.100",
            ["Coordinator__LedgerKeyPrefix"] = prefix,
            ["Gateway__Intents"] = Intents.ToString(CultureInfo.InvariantCulture),
            ["Gateway__Compression"] = compression switch { "zlib-stream" => "ZlibStream", "zstd-stream" => "ZstdStream", _ => "None" },
            ["Redis__Output__KeyPrefix"] = prefix,
            ["Redis__Commands__KeyPrefix"] = prefix,
            ["SHARDER_SILO_PORT"] = ports[0].ToString(CultureInfo.InvariantCulture),
            ["SHARDER_GATEWAY_PORT"] = ports[1].ToString(CultureInfo.InvariantCulture),
            ["SHARDER_HTTP_PORT"] = ports[2].ToString(CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
        };
        var silo = children.Start($"silo-{prefix}", "dotnet", [siloDll, "--contentRoot", Path.GetDirectoryName(siloDll)!], env,
            Path.GetDirectoryName(siloDll));
        var ready = simulator.WaitForShardsReadyAsync(shards, readyTimeout);
        var done = await Task.WhenAny(ready, silo.WaitForExitAsync());
        if (done != ready) throw new InvalidOperationException($"the silo exited with {silo.ExitCode} before its shards were READY; see {children.LogDirectory}/silo-{prefix}.log");
        await ready;
        return new SystemUnderTest("sharder", silo, prefix + ":events");
    }

    /// <summary>Starts the @discordjs/ws peer and waits for its "ready N" line.</summary>
    public static async Task<SystemUnderTest> StartPeerAsync(ChildProcesses children, string peerDirectory, GatewaySimulator simulator,
        int redisPort, int shards, string compression, string list, TimeSpan readyTimeout)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var env = new Dictionary<string, string>
        {
            ["PEER_API"] = simulator.RestUrl,
            ["PEER_TOKEN"] = simulator.Token,
            ["PEER_SHARDS"] = shards.ToString(CultureInfo.InvariantCulture),
            ["PEER_COMPRESSION"] = compression,
            ["PEER_INTENTS"] = Intents.ToString(CultureInfo.InvariantCulture),
            ["PEER_REDIS_PORT"] = redisPort.ToString(CultureInfo.InvariantCulture),
            ["PEER_LIST"] = list,
        };
        var peer = children.Start($"peer-{list.Replace(':', '-')}", "node", [Path.Combine(peerDirectory, "peer.mjs")], env, peerDirectory,
            line =>
            {
                if (line.StartsWith("ready ", StringComparison.Ordinal)) ready.TrySetResult();
            });
        using var timeout = new CancellationTokenSource(readyTimeout);
        var done = await Task.WhenAny(ready.Task, peer.WaitForExitAsync(), Task.Delay(Timeout.Infinite, timeout.Token).ContinueWith(_ => { }, TaskScheduler.Default));
        if (done != ready.Task)
        {
            throw new InvalidOperationException($"the peer was not READY within {readyTimeout.TotalSeconds:0} s (exited: {peer.HasExited}); see {children.LogDirectory}");
        }

        return new SystemUnderTest("peer", peer, list);
    }
}
