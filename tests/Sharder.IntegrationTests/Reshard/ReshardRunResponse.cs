namespace Sharder.IntegrationTests.Reshard;

/// <summary>The part of <c>POST/GET /admin/reshard</c>'s answer the tests read (the design's contract).</summary>
internal sealed record ReshardRunResponse(string? Run, int From, int To, string? State)
{
    public bool Is(string state) => string.Equals(Normalize(State), Normalize(state), StringComparison.Ordinal);

    public bool IsFinished => Is("completed") || Is("rolled_back");

    // "rolled_back", "RolledBack" and "rolledBack" name the same state.
    private static string Normalize(string? state) => (state ?? string.Empty).Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
}
