using System.Globalization;

namespace Sharder.IntegrationTests.Observability;

/// <summary>The samples of one scrape in the Prometheus text format: <c>name{labels} value</c> per line, comments skipped.</summary>
internal sealed class PrometheusScrape
{
    private readonly List<(string Name, string Labels, double Value)> _samples = [];

    public PrometheusScrape(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            // Label values in these tests hold no spaces, so the value is what follows the last space
            // (an optional timestamp never appears in this exporter's output).
            var space = line.LastIndexOf(' ');
            var series = line[..space];
            var brace = series.IndexOf('{', StringComparison.Ordinal);
            var name = brace < 0 ? series : series[..brace];
            var labels = brace < 0 ? "" : series[(brace + 1)..^1];
            _samples.Add((name, labels, double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture)));
        }
    }

    public string Text { get; }

    /// <summary>The sample names, for a failure message.</summary>
    public IEnumerable<string> Names => _samples.Select(static s => s.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    public bool Has(string name) => _samples.Exists(s => s.Name == name);

    /// <summary>The value of the first sample named <paramref name="name"/> whose labels contain every one of <paramref name="labels"/> (<c>key="value"</c>); null when none.</summary>
    public double? Value(string name, params string[] labels)
    {
        foreach (var sample in _samples)
        {
            if (sample.Name == name && labels.All(label => sample.Labels.Contains(label, StringComparison.Ordinal)))
            {
                return sample.Value;
            }
        }

        return null;
    }
}
