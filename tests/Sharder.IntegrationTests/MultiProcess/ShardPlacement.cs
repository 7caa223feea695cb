using System.Globalization;

namespace Sharder.IntegrationTests.MultiProcess;

/// <summary>One shard as a silo's <c>/status</c> reports it.</summary>
/// <param name="Silo">Orleans' silo address text, <c>S127.0.0.1:{siloPort}:{generation}</c>.</param>
/// <param name="Start">Identify, Checkpoint or Migration.</param>
/// <param name="HandoffGapMs">For a migration: old activation's stop to the new activation (the product's own measure).</param>
internal sealed record ShardPlacement(int Shard, string? Silo, string State, string? Session, long Epoch, string Start, double? HandoffGapMs)
{
    /// <summary>The silo port in <see cref="Silo"/>, which identifies the process; null when unknown.</summary>
    public int? SiloPort
    {
        get
        {
            var parts = Silo?.TrimStart('S').Split(':');
            return parts is { Length: >= 2 } && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var port)
                ? port
                : null;
        }
    }
}
