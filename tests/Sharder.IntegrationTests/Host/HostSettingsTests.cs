using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sharder.Grains.Commands;
using Sharder.Silo.Extensions;

namespace Sharder.IntegrationTests.Host;

/// <summary>The host refuses to start on a bad setting with one message that names it; the token never shows.</summary>
public sealed class HostSettingsTests : IDisposable
{
    private const string Token = "host-settings-token.MTIzNDU2.sekrit";

    private readonly string _directory = Directory.CreateTempSubdirectory("sharder-host-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Valid_settings_pass_validation()
    {
        await using var app = TestSiloHost.Build(TestSiloHost.ValidSettings("127.0.0.1:6379", Token), _directory);

        app.ValidateSharderSettings();
    }

    [Fact]
    public async Task Shard_start_above_until_names_DISCORD_SHARD_START()
    {
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", Token);
        settings["DISCORD_SHARD_TOTAL"] = "8";
        settings["DISCORD_SHARD_START"] = "5";
        settings["DISCORD_SHARD_UNTIL"] = "2";

        var message = await FailureMessageAsync(settings);

        Assert.Contains("DISCORD_SHARD_START", message, StringComparison.Ordinal);
        Assert.Contains("DISCORD_SHARD_UNTIL", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_token_says_DISCORD_TOKEN_is_not_set()
    {
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", Token);
        settings.Remove("DISCORD_TOKEN");

        var message = await FailureMessageAsync(settings);

        Assert.Contains("DISCORD_TOKEN is not set", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_token_is_named_but_never_shown()
    {
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", Token);
        settings["DISCORD_TOKEN"] = "sekrit token with spaces";

        var message = await FailureMessageAsync(settings);

        Assert.Contains("DISCORD_TOKEN", message, StringComparison.Ordinal);
        Assert.DoesNotContain("sekrit", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_bad_host_setting_is_listed_in_one_message()
    {
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", Token);
        settings["SHARDER_SILO_PORT"] = "not-a-port";
        settings["SHARDER_HTTP_PORT"] = "70000";
        settings["REDIS_ADDR"] = "bad host name:6379,password=sekrit";
        settings["Cluster:AdvertisedIp"] = "somewhere";
        settings["Cluster:ShutdownTimeout"] = "soon";

        var message = await FailureMessageAsync(settings);

        Assert.Contains("SHARDER_SILO_PORT is \"not-a-port\", not a whole number", message, StringComparison.Ordinal);
        Assert.Contains("Cluster:HttpPort (SHARDER_HTTP_PORT) is 70000", message, StringComparison.Ordinal);
        Assert.Contains("REDIS_ADDR", message, StringComparison.Ordinal);
        Assert.Contains("Cluster:AdvertisedIp", message, StringComparison.Ordinal);
        Assert.Contains("Cluster:ShutdownTimeout", message, StringComparison.Ordinal);
        Assert.DoesNotContain("sekrit", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Values_the_binder_cannot_convert_and_out_of_range_values_are_listed_by_key()
    {
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", Token);
        settings["Gateway:Intents"] = "all of them";
        settings["Redis:Output:Layout"] = "Sideways";
        settings["Supervisor:MaxConcurrentActivations"] = "0";
        settings["Cluster:Membership:ProbeTimeout"] = "a second";
        settings["Redis:Commands:BlockTimeout"] = "00:00:00.001";

        var message = await FailureMessageAsync(settings);

        Assert.Contains("'Gateway:Intents'", message, StringComparison.Ordinal);
        Assert.Contains("'Redis:Output:Layout'", message, StringComparison.Ordinal);
        Assert.Contains("Supervisor:MaxConcurrentActivations is 0", message, StringComparison.Ordinal);
        Assert.Contains("'Cluster:Membership:ProbeTimeout'", message, StringComparison.Ordinal);
        Assert.Contains("Redis:Commands:BlockTimeout is", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("botA", null, "botA")]
    [InlineData("botA", "cmds", "cmds")]
    [InlineData(null, null, "sharder")]
    public async Task Command_keys_follow_the_output_prefix_unless_set_on_their_own(string? outputPrefix, string? commandPrefix, string expected)
    {
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", Token);
        if (outputPrefix is not null) settings["Redis:Output:KeyPrefix"] = outputPrefix;
        if (commandPrefix is not null) settings["Redis:Commands:KeyPrefix"] = commandPrefix;
        await using var app = TestSiloHost.Build(settings, _directory);

        Assert.Equal(expected, app.Services.GetRequiredService<IOptions<CommandPumpOptions>>().Value.KeyPrefix);
    }

    [Fact]
    public async Task Settings_come_from_the_dot_env_file_and_a_bad_line_is_reported_without_its_text()
    {
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", Token);
        settings.Remove("DISCORD_TOKEN");
        File.WriteAllText(Path.Combine(_directory, ".env"), $"DISCORD_TOKEN=\"{Token}\"\nDISCORD_SHARD_TOTAL 4 {Token}\n");

        var message = await FailureMessageAsync(settings);

        Assert.Contains(".env line 2", message, StringComparison.Ordinal);
        Assert.DoesNotContain("DISCORD_TOKEN is not set", message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunSharderAsync_prints_one_message_without_a_stack_trace_and_returns_a_failure_code()
    {
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", Token);
        settings["DISCORD_SHARD_TOTAL"] = "0";
        await using var app = TestSiloHost.Build(settings, _directory);
        using var error = new StringWriter();

        var exitCode = await app.RunSharderAsync(error);

        Assert.Equal(StartupFailure.ExitCode, exitCode);
        var output = error.ToString();
        Assert.StartsWith("Sharder cannot start; fix these settings:", output, StringComparison.Ordinal);
        Assert.Contains("DISCORD_SHARD_TOTAL", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, output, StringComparison.Ordinal);
    }

    private async Task<string> FailureMessageAsync(Dictionary<string, string?> settings)
    {
        await using var app = TestSiloHost.Build(settings, _directory);
        var exception = Record.Exception(app.ValidateSharderSettings);
        Assert.NotNull(exception);
        Assert.True(
            exception is OptionsValidationException or AggregateException,
            $"expected a validation failure, got {exception.GetType().Name}");
        Assert.True(StartupFailure.TryDescribe(exception, out var message));
        return message;
    }
}
