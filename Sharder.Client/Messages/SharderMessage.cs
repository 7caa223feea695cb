namespace Sharder.Client.Messages;

/// <summary>
/// One entry of an event list in the envelope format (envelope v1): a <see cref="SharderEvent"/> (a gateway
/// dispatch) or a <see cref="SharderMarker"/> (a lifecycle fact about a shard or a list). Read one with
/// <see cref="SharderMessageReader"/>.
/// </summary>
public abstract class SharderMessage
{
    private protected SharderMessage()
    {
    }
}
