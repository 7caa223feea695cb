using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Sharder.Client.Consuming;

/// <summary>
/// Returns the unacknowledged entries of dead consumers to the head of the event list, where the next BLMOVE
/// of any live consumer takes them. A consumer is dead when its lease key is gone (it stopped renewing for a
/// whole lease). Entries move one at a time with <c>LMOVE processing list RIGHT LEFT</c>, newest first, so
/// they keep their order at the head of the list, and each LMOVE is atomic: reapers running at once in several
/// consumers share the work, and none is lost or doubled. Plain commands only (no scripts), so it runs under
/// the worker's restricted ACL user. Thread-safe.
/// </summary>
public sealed class ProcessingListReaper
{
    // One pass returns at most this many entries per dead consumer, so a "dead" consumer that is in fact
    // alive and still filling its list cannot keep a reaper busy.
    private const int MaxPerConsumer = 100_000;

    private readonly IDatabase _database;
    private readonly ILogger _logger;

    /// <param name="redis">The shared multiplexer (no blocking command is used).</param>
    /// <param name="list">The event list.</param>
    /// <param name="logger">Where reaped counts go; none when null.</param>
    public ProcessingListReaper(IConnectionMultiplexer redis, string list, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _database = redis.GetDatabase();
        Keys = new ConsumerKeys(list);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The keys it works on.</summary>
    public ConsumerKeys Keys { get; }

    /// <summary>One pass over the registered consumers.</summary>
    /// <param name="self">A consumer to leave alone (the caller's own).</param>
    /// <param name="cancellationToken">Stops between consumers.</param>
    /// <returns>How many entries went back to the event list.</returns>
    public async Task<int> ReapAsync(string? self = null, CancellationToken cancellationToken = default)
    {
        int total = 0;
        foreach (var member in await _database.SetMembersAsync(Keys.Consumers).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string consumer = member!;
            if (consumer == self || await _database.KeyExistsAsync(Keys.Lease(consumer)).ConfigureAwait(false))
            {
                continue;
            }

            string processing = Keys.Processing(consumer);
            int moved = 0;
            while (moved < MaxPerConsumer
                && !(await _database.ListMoveAsync(processing, Keys.List, ListSide.Right, ListSide.Left).ConfigureAwait(false)).IsNull)
            {
                moved++;
            }

            // A consumer that comes back adds itself again with its next renewal.
            if (await _database.ListLengthAsync(processing).ConfigureAwait(false) == 0)
            {
                await _database.SetRemoveAsync(Keys.Consumers, consumer).ConfigureAwait(false);
            }

            if (moved > 0)
            {
                ConsumerLog.Reaped(_logger, consumer, Keys.List, moved);
            }

            total += moved;
        }

        return total;
    }
}
