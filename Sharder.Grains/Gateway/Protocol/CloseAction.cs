namespace Sharder.Grains.Gateway.Protocol;

/// <summary>What a shard does after its connection closed.</summary>
internal enum CloseAction
{
    /// <summary>Keep the session: reconnect to the resume URL and send Resume.</summary>
    Resume,

    /// <summary>Drop the session: reconnect to the bootstrap URL and Identify again.</summary>
    Reidentify,

    /// <summary>Stop: reconnecting cannot succeed until the configuration changes.</summary>
    Fatal,
}
