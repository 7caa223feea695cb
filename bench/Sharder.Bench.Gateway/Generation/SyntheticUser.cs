namespace Sharder.Bench.Gateway.Generation;

/// <summary>A user that authors or is mentioned in generated messages.</summary>
internal sealed record SyntheticUser(
    ulong Id,
    string Username,
    string? GlobalName,
    string? AvatarHash,
    bool Bot,
    int PublicFlags);
