using Sharder.Grains.Gateway;

namespace Sharder.Grains.Commands;

/// <summary>What <see cref="ShardConnection.TryEnqueue"/> did with a command.</summary>
internal enum CommandEnqueueResult
{
    /// <summary>Queued; the shard's sender sends it on the next active session, within the rate limit.</summary>
    Enqueued,

    /// <summary>The outbound queue is full; nothing was queued. Try again later.</summary>
    QueueFull,

    /// <summary>The shard is stopped or stopping; it takes no more commands.</summary>
    Stopped,

    /// <summary>The shard closed for good; its commands can never be sent.</summary>
    FatallyClosed,

    /// <summary>Empty or over <see cref="GatewayOptions.MaxCommandBytes"/>; nothing was queued.</summary>
    Invalid,
}
