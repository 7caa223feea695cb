namespace Sharder.Grains.Gateway;

/// <summary>How <see cref="ShardConnection.StopAsync"/> ends the connection.</summary>
internal enum ShardStopMode
{
    /// <summary>Close with 4000 and keep the session, so <see cref="ShardConnection.ExportSession"/> can hand it on.</summary>
    Resumable,

    /// <summary>Close with 1000: Discord ends the session and the bot goes offline on this shard.</summary>
    Shutdown,
}
