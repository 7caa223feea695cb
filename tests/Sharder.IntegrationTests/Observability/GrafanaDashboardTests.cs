using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sharder.Grains.Diagnostics;

namespace Sharder.IntegrationTests.Observability;

/// <summary>deploy/grafana/sharder-dashboard.json only queries families the silo exports, so no panel stays empty after a rename.</summary>
public sealed partial class GrafanaDashboardTests
{
    [Fact]
    public void Every_sharder_family_the_dashboard_queries_is_an_instrument()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "deploy", "grafana", "sharder-dashboard.json")));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(static panel => panel.TryGetProperty("targets", out _))
            .SelectMany(static panel => panel.GetProperty("targets").EnumerateArray())
            .Select(static target => target.GetProperty("expr").GetString()!)
            .ToList();
        var instruments = typeof(InstrumentNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(static field => ((string)field.GetValue(null)!).Replace('.', '_'))
            .ToHashSet(StringComparer.Ordinal);

        var families = expressions.SelectMany(static e => Family().Matches(e)).Select(static m => m.Value).Distinct(StringComparer.Ordinal).ToList();

        Assert.True(families.Count >= 20, $"The dashboard queries only {families.Count} sharder families.");
        Assert.All(families, family => Assert.True(
            instruments.Contains(InstrumentName(family)),
            $"{family} (instrument {InstrumentName(family)}) is not in InstrumentNames."));
    }

    // The Prometheus exporter's suffixes: histogram series, then _total for counters, then the unit.
    private static string InstrumentName(string family)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count", "_total", "_seconds" })
        {
            if (family.EndsWith(suffix, StringComparison.Ordinal))
            {
                family = family[..^suffix.Length];
            }
        }

        return family;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sharder.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Sharder.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"\bsharder_[a-z_]+")]
    private static partial Regex Family();
}
