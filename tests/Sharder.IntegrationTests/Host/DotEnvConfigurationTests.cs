using Microsoft.Extensions.Configuration;
using Sharder.Silo.Configuration;

namespace Sharder.IntegrationTests.Host;

public sealed class DotEnvConfigurationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sharder-dotenv-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Environment_variables_win_over_the_file_and_the_file_wins_over_earlier_sources()
    {
        // A unique name: the variable is process-wide and other tests run in parallel.
        var variable = $"SHARDER_TEST_{Guid.NewGuid():N}";
        File.WriteAllText(Path.Combine(_directory, ".env"), $"{variable}=from-file\nONLY_IN_FILE=\"file value\"\nFROM_JSON=file\n");
        Environment.SetEnvironmentVariable(variable, "from-environment");
        try
        {
            var configuration = new ConfigurationManager();
            configuration.AddInMemoryCollection([KeyValuePair.Create("FROM_JSON", (string?)"json")]);
            configuration.AddEnvironmentVariables();

            var document = configuration.AddDotEnvFile(Path.Combine(_directory, ".env"));

            Assert.Equal(3, document.Values.Count);
            Assert.Equal("from-environment", configuration[variable]);
            Assert.Equal("file value", configuration["ONLY_IN_FILE"]);
            Assert.Equal("file", configuration["FROM_JSON"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void Double_underscore_keys_become_sections_like_environment_variables()
    {
        File.WriteAllText(Path.Combine(_directory, ".env"), "Cluster__SiloPort=12000\n");
        var configuration = new ConfigurationManager();

        configuration.AddDotEnvFile(Path.Combine(_directory, ".env"));

        Assert.Equal("12000", configuration["Cluster:SiloPort"]);
    }

    [Fact]
    public void A_missing_file_adds_nothing()
    {
        var configuration = new ConfigurationManager();
        var before = configuration.Sources.Count;

        var document = configuration.AddDotEnvFile(Path.Combine(_directory, ".env"));

        Assert.Same(DotEnvDocument.Empty, document);
        Assert.Equal(before, configuration.Sources.Count);
    }
}
