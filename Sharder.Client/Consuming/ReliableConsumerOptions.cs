using System.Globalization;

namespace Sharder.Client.Consuming;

/// <summary>Settings of a <see cref="ReliableConsumer"/>; checked by <see cref="Validate"/> when it starts.</summary>
public sealed class ReliableConsumerOptions
{
    /// <summary>The event list to consume, e.g. <c>sharder:events</c> (layout Single), <c>sharder:events:MESSAGE_CREATE</c>, <c>sharder:events:3</c>.</summary>
    public string List { get; set; } = "sharder:events";

    /// <summary>
    /// This consumer's name: letters, digits, '.', '_' and '-'. Give a stable one (a pod or host name) so that a
    /// restarted consumer picks up its own unacknowledged entries at once; the default is unique per process, and
    /// a crashed process's entries then return through the reaper after <see cref="Lease"/>.
    /// </summary>
    public string ConsumerName { get; set; } = string.Create(
        CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Environment.ProcessId}-{Random.Shared.Next(0x10000):x4}");

    /// <summary>How long a consumer that stopped renewing counts as alive (default 30 s); renewed every third of it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often this consumer looks for dead consumers' entries (default 10 s).</summary>
    public TimeSpan ReapInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one BLMOVE waits for an entry (default 1 s; whole milliseconds, at least 10 ms).</summary>
    public TimeSpan BlockTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most entries one <see cref="ReliableConsumer.ReceiveAsync"/> returns (default 100).</summary>
    public int MaxBatch { get; set; } = 100;

    /// <summary>(session, seq) pairs remembered per shard to drop duplicates (default 4096; 0 turns dedupe off).</summary>
    public int DedupeWindow { get; set; } = 4096;

    /// <summary>What the entries are (default <see cref="EntryFormat.Envelope"/>).</summary>
    public EntryFormat Format { get; set; } = EntryFormat.Envelope;

    /// <summary>Throws <see cref="ArgumentException"/> naming every setting that is wrong.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(List) || List.Any(char.IsWhiteSpace))
        {
            problems.Add("ReliableConsumerOptions.List must name the event list, without whitespace (e.g. sharder:events).");
        }

        if (string.IsNullOrEmpty(ConsumerName) || !ConsumerName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            problems.Add("ReliableConsumerOptions.ConsumerName must be letters, digits, '.', '_' or '-'.");
        }

        if (Lease < TimeSpan.FromMilliseconds(300))
        {
            problems.Add("ReliableConsumerOptions.Lease must be at least 300 ms (it is renewed every third of it).");
        }

        if (ReapInterval <= TimeSpan.Zero)
        {
            problems.Add("ReliableConsumerOptions.ReapInterval must be positive.");
        }

        if (BlockTimeout < TimeSpan.FromMilliseconds(10) || BlockTimeout > TimeSpan.FromMinutes(1))
        {
            problems.Add("ReliableConsumerOptions.BlockTimeout must be between 10 ms and 1 minute.");
        }

        if (MaxBatch < 1)
        {
            problems.Add("ReliableConsumerOptions.MaxBatch must be at least 1.");
        }

        if (DedupeWindow < 0)
        {
            problems.Add("ReliableConsumerOptions.DedupeWindow must be 0 (off) or more.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }
    }
}
