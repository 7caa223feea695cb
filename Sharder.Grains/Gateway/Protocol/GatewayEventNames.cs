namespace Sharder.Grains.Gateway.Protocol;

/// <summary>Dispatch event names (<c>t</c>) the gateway client itself reacts to.</summary>
internal static class GatewayEventNames
{
    public const string Ready = "READY";
    public const string Resumed = "RESUMED";
    public const string GuildCreate = "GUILD_CREATE";
    public const string GuildDelete = "GUILD_DELETE";
    public const string RateLimited = "RATE_LIMITED";
}
