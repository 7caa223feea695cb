using Microsoft.Extensions.Logging;

namespace Sharder.Client.Consuming;

/// <summary>Log messages of the consumers. Names and ids are fixed once released.</summary>
internal static partial class ConsumerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Consumer {Consumer} on {List} started; {Recovered} unacknowledged entries recovered from its processing list")]
    public static partial void Started(ILogger logger, string consumer, string list, int recovered);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Consumer {Consumer} on {List}: the blocking read failed; retrying")]
    public static partial void ReadFailed(ILogger logger, string consumer, string list, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Consumer {Consumer} on {List}: the lease renewal failed")]
    public static partial void HeartbeatFailed(ILogger logger, string consumer, string list, Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Consumer {Consumer} on {List}: its lease had expired (a reaper may have handed its entries to others: expect duplicates); renewed")]
    public static partial void LeaseLost(ILogger logger, string consumer, string list);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Returned {Count} entries of dead consumer {DeadConsumer} to the head of {List}")]
    public static partial void Reaped(ILogger logger, string deadConsumer, string list, int count);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Reaping dead consumers of {List} failed")]
    public static partial void ReapFailed(ILogger logger, string list, Exception exception);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Consumer {Consumer} on {List} released {Count} unacknowledged entries to the head of the list")]
    public static partial void Released(ILogger logger, string consumer, string list, long count);
}
