using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;

namespace Sharder.Silo.Configuration;

/// <summary>Adds a <c>.env</c> file to the configuration, below the environment variables so those win.</summary>
internal static class DotEnvConfigurationExtensions
{
    public const string FileName = ".env";

    /// <summary>
    /// Reads <paramref name="path"/> when it exists and inserts its settings just before the unprefixed
    /// environment-variable source (or before the command line, or last). As with environment variables,
    /// <c>__</c> in a key stands for the section separator <c>:</c>.
    /// </summary>
    /// <returns>What was read; <see cref="DotEnvDocument.Empty"/> when the file does not exist.</returns>
    public static DotEnvDocument AddDotEnvFile(this IConfigurationBuilder configuration, string path)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            return DotEnvDocument.Empty;
        }

        var document = DotEnvParser.Parse(File.ReadAllText(path));
        var source = new MemoryConfigurationSource
        {
            InitialData = document.Values.Select(
                pair => KeyValuePair.Create(pair.Key.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal), (string?)pair.Value)),
        };
        configuration.Sources.Insert(InsertionIndex(configuration.Sources), source);
        return document;
    }

    private static int InsertionIndex(IList<IConfigurationSource> sources)
    {
        for (var i = sources.Count - 1; i >= 0; i--)
        {
            if (sources[i] is EnvironmentVariablesConfigurationSource { Prefix: null or "" })
            {
                return i;
            }
        }

        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is CommandLineConfigurationSource)
            {
                return i;
            }
        }

        return sources.Count;
    }
}
