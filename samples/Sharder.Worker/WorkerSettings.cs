using System.Globalization;

namespace Sharder.Worker;

/// <summary>The sample worker's settings, from the environment (the names the shell worker and the silo use).</summary>
internal sealed record WorkerSettings(string RedisAddress, string Prefix, string EventsKey, string Name, bool Reliable, TimeSpan Lease)
{
    public static WorkerSettings FromEnvironment()
    {
        string prefix = Read("SHARDER_PREFIX") ?? "sharder";
        string mode = Read("WORKER_MODE") ?? "reliable";
        if (mode is not ("reliable" or "simple"))
        {
            throw new ArgumentException($"WORKER_MODE must be 'reliable' (at least once) or 'simple' (BLPOP, at most once), not '{mode}'.");
        }

        string leaseText = Read("WORKER_LEASE_SECONDS") ?? "30";
        if (!double.TryParse(leaseText, NumberStyles.Float, CultureInfo.InvariantCulture, out double lease) || lease < 1)
        {
            throw new ArgumentException($"WORKER_LEASE_SECONDS must be a number of seconds, at least 1, not '{leaseText}'.");
        }

        return new WorkerSettings(
            RedisAddress: Read("REDIS_ADDR") ?? "127.0.0.1:6379",
            Prefix: prefix,
            EventsKey: Read("SHARDER_EVENTS_KEY") ?? $"{prefix}:events",
            Name: Read("WORKER_NAME") ?? $"worker-{Environment.MachineName}-{Environment.ProcessId}",
            Reliable: mode == "reliable",
            Lease: TimeSpan.FromSeconds(lease));
    }

    private static string? Read(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
