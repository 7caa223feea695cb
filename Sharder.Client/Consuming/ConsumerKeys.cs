namespace Sharder.Client.Consuming;

/// <summary>
/// The keys of the reliable way to consume one event list <c>{list}</c>: each consumer's processing list
/// <c>{list}:processing:{consumer}</c> (what it took and has not acknowledged), its lease
/// <c>{list}:lease:{consumer}</c> (a key with a TTL, renewed while the consumer lives) and the set of consumers
/// <c>{list}:consumers</c> (so a reaper finds processing lists without SCAN).
/// </summary>
public sealed class ConsumerKeys
{
    /// <param name="list">The event list, e.g. <c>sharder:events</c>.</param>
    public ConsumerKeys(string list)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(list);
        List = list;
        Consumers = $"{list}:consumers";
    }

    /// <summary>The event list.</summary>
    public string List { get; }

    /// <summary>The set of consumer names that may hold a processing list.</summary>
    public string Consumers { get; }

    /// <summary>The processing list of one consumer.</summary>
    public string Processing(string consumer) => $"{List}:processing:{consumer}";

    /// <summary>The lease key of one consumer.</summary>
    public string Lease(string consumer) => $"{List}:lease:{consumer}";
}
