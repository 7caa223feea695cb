using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sharder.Grains.Hosting;
using Sharder.Grains.Options;
using Sharder.Silo.Extensions;

namespace Sharder.IntegrationTests.Host;

/// <summary>
/// <c>DISCORD_TOKEN_FILE</c> and <c>SHARDER_HTTP_TOKEN_FILE</c>: the secret is read from the file without its
/// trailing line break; an unreadable file or a conflicting direct value stops the host with a message that
/// names the settings and never shows the secret. HTTP address and token validation.
/// </summary>
public sealed class SecretSettingTests : IDisposable
{
    private const string Token = "secret-file-token.MTIzNDU2.sekrit";

    private readonly string _directory = Directory.CreateTempSubdirectory("sharder-secret-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task The_discord_token_file_is_read_and_its_trailing_newline_dropped()
    {
        var file = WriteSecret("discord_token", $"{Token}\n");
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", "unused");
        settings.Remove("DISCORD_TOKEN");
        settings["DISCORD_TOKEN_FILE"] = file;
        await using var app = TestSiloHost.Build(settings, _directory);

        app.ValidateSharderSettings();
        Assert.Equal(Token, app.Services.GetRequiredService<IOptions<DiscordOptions>>().Value.Token);
    }

    [Fact]
    public async Task The_same_token_set_both_ways_is_accepted()
    {
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", Token);
        settings["DISCORD_TOKEN_FILE"] = WriteSecret("discord_token", $"{Token}\r\n");
        await using var app = TestSiloHost.Build(settings, _directory);

        app.ValidateSharderSettings();
        Assert.Equal(Token, app.Services.GetRequiredService<IOptions<DiscordOptions>>().Value.Token);
    }

    [Fact]
    public async Task An_unreadable_token_file_is_named_and_nothing_secret_is_shown()
    {
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", "unused");
        settings.Remove("DISCORD_TOKEN");
        settings["DISCORD_TOKEN_FILE"] = Path.Combine(_directory, "missing", "token");

        var message = await FailureMessageAsync(settings);

        Assert.Contains("DISCORD_TOKEN_FILE names a file that cannot be read", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Different_tokens_in_the_variable_and_the_file_are_refused_without_showing_either()
    {
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", Token);
        settings["DISCORD_TOKEN_FILE"] = WriteSecret("discord_token", "other-token.sekrit\n");
        settings["SHARDER_HTTP_TOKEN"] = "http-token-0123456789.sekrit";
        settings["SHARDER_HTTP_TOKEN_FILE"] = WriteSecret("http_token", "http-token-9876543210.sekrit\n");

        var message = await FailureMessageAsync(settings);

        Assert.Contains("DISCORD_TOKEN and DISCORD_TOKEN_FILE are both set and differ", message, StringComparison.Ordinal);
        Assert.Contains("SHARDER_HTTP_TOKEN and SHARDER_HTTP_TOKEN_FILE are both set and differ", message, StringComparison.Ordinal);
        Assert.DoesNotContain("sekrit", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_token_file_is_read_and_a_short_token_or_bad_address_is_refused()
    {
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", Token);
        settings["SHARDER_HTTP_TOKEN_FILE"] = WriteSecret("http_token", "http-token-0123456789.sekrit\n");
        await using (var app = TestSiloHost.Build(settings, _directory))
        {
            app.ValidateSharderSettings();
        }

        settings["SHARDER_HTTP_TOKEN_FILE"] = WriteSecret("http_token", "short.sekrit\n");
        settings["SHARDER_HTTP_ADDRESS"] = "everywhere";
        var message = await FailureMessageAsync(settings);

        Assert.Contains("Cluster:HttpToken (SHARDER_HTTP_TOKEN) is too short", message, StringComparison.Ordinal);
        Assert.Contains("Cluster:HttpAddress (SHARDER_HTTP_ADDRESS) is \"everywhere\"", message, StringComparison.Ordinal);
        Assert.DoesNotContain("sekrit", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reader_prefers_the_variable_over_the_key_and_refuses_an_empty_file()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["S"] = "from-variable",
            ["Section:S"] = "from-key",
        }).Build();
        Assert.Equal(("from-variable", (string?)null), SecretSetting.Read(configuration, "S", "Section:S"));

        var empty = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["S_FILE"] = WriteSecret("empty", "\n"),
        }).Build();
        Assert.Equal("S_FILE names an empty file; write the secret into it.", SecretSetting.Read(empty, "S").Failure);
    }

    private string WriteSecret(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private async Task<string> FailureMessageAsync(Dictionary<string, string?> settings)
    {
        await using var app = TestSiloHost.Build(settings, _directory);
        var exception = Record.Exception(app.ValidateSharderSettings);
        Assert.NotNull(exception);
        Assert.True(StartupFailure.TryDescribe(exception, out var message), $"expected a validation failure, got {exception}");
        return message;
    }
}
