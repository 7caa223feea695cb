using Sharder.Grains.Gateway;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Tests.Gateway.Fakes;

/// <summary>
/// One shard wired to fakes: scripted gateway, fake clock, recording sink, counting identify gate,
/// deterministic jitter (every draw 0.5 unless changed) and a capturing logger.
/// </summary>
internal sealed class ShardHarness : IAsyncDisposable
{
    public const string BootstrapHost = "bootstrap.test";
    public const string ResumeHost = "resume.test";
    public const string ResumeUrl = "ws://resume.test";
    public const string TokenText = "Bot super-secret-token-value";
    public const int HeartbeatMs = 41250;

    private readonly List<ShardConnection> _shards = [];

    public ShardHarness(Action<GatewayOptions>? configure = null)
    {
        // The fake resume host is on another host than the bootstrap URL, so it must be allowed explicitly.
        Options = new GatewayOptions { BootstrapUrl = new Uri($"ws://{BootstrapHost}"), AllowedResumeHosts = { ResumeHost } };
        configure?.Invoke(Options);
    }

    public TestClock Clock { get; } = new();

    public FakeGatewayServer Server { get; } = new();

    public RecordingSink Sink { get; } = new();

    public CountingIdentifyGate Gate { get; } = new();

    /// <summary>The gate the shards use; <see cref="Gate"/> unless a test sets another.</summary>
    public IIdentifyGate? IdentifyGate { get; set; }

    public ListLogger Logger { get; } = new();

    public GatewayOptions Options { get; }

    public Random Random { get; set; } = new FixedRandom(0.5);

    public RecordingGatewayMetrics Metrics { get; } = new();

    /// <summary>The shard started last.</summary>
    public ShardConnection Shard => _shards.Count > 0 ? _shards[^1] : throw new InvalidOperationException("Start a shard first.");

    public ShardConnection Create(ShardSession? session = null, int shardId = 0, int shardCount = 1)
    {
        var shard = new ShardConnection(
            shardId, shardCount, new BotToken(TokenText), Options, Server, IdentifyGate ?? Gate, Sink, Clock, Logger, session, Random, Metrics);
        _shards.Add(shard);
        return shard;
    }

    public ShardConnection Start(ShardSession? session = null, int shardId = 0, int shardCount = 1)
    {
        var shard = Create(session, shardId, shardCount);
        shard.Start();
        return shard;
    }

    /// <summary>Takes the next connection, plays Hello, waits for Identify and answers READY (s = 1).</summary>
    public async Task<FakeGatewayConnection> IdentifyAsync(string sessionId = "session-1", int heartbeatMs = HeartbeatMs, string resumeUrl = ResumeUrl)
    {
        var connection = await Server.NextConnectionAsync();
        connection.SendHello(heartbeatMs);
        await connection.NextSentAsync(2);
        connection.SendReady(sessionId, resumeUrl);
        await Waits.UntilAsync(
            () => Sink.Delivered.Any(e => e.SessionId == sessionId && e.EventType == "READY"),
            $"READY of {sessionId} was delivered");
        return connection;
    }

    /// <summary>Sends dispatches with the given sequences and waits until the sink has the last one.</summary>
    public async Task DeliverAsync(FakeGatewayConnection connection, params long[] sequences)
    {
        foreach (var sequence in sequences)
        {
            connection.SendDispatch(sequence);
        }

        await Waits.UntilAsync(() => Sink.DeliveredSequences.Contains(sequences[^1]), $"the sink has event {sequences[^1]}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var shard in _shards)
        {
            await shard.DisposeAsync();
        }

        foreach (var line in Logger.Lines)
        {
            Assert.DoesNotContain("super-secret", line, StringComparison.Ordinal);
        }
    }
}
