namespace Sharder.Bench.Gateway.Generation;

/// <summary>A guild whose channels the generated messages are posted in.</summary>
internal sealed record SyntheticGuild(ulong Id, ulong[] TextChannelIds, ulong[] RoleIds);
