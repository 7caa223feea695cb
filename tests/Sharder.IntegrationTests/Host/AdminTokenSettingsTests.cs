using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sharder.Silo.Configuration;
using Sharder.Silo.Extensions;

namespace Sharder.IntegrationTests.Host;

/// <summary>SHARDER_ADMIN_TOKEN: read directly or from its file, refused when weak or equal to the HTTP token, never shown.</summary>
public sealed class AdminTokenSettingsTests : IDisposable
{
    private const string Token = "host-settings-token.MTIzNDU2.sekrit";
    private const string HttpToken = "http-token-0123456789abcdef.sekrit";
    private const string AdminToken = "admin-token-fedcba9876543210.sekrit";

    private readonly string _directory = Directory.CreateTempSubdirectory("sharder-admin-settings-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task The_admin_token_is_unset_by_default_and_read_from_its_variable_or_file()
    {
        await using (var none = TestSiloHost.Build(TestSiloHost.ValidSettings("127.0.0.1:6379", Token), _directory))
        {
            none.ValidateSharderSettings();
            Assert.Null(Options(none).AdminToken);
        }

        var file = Path.Combine(_directory, "admin-token");
        await File.WriteAllTextAsync(file, AdminToken + "\n");
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", Token);
        settings["SHARDER_ADMIN_TOKEN_FILE"] = file;
        await using var fromFile = TestSiloHost.Build(settings, _directory);
        fromFile.ValidateSharderSettings();
        Assert.Equal(AdminToken, Options(fromFile).AdminToken);
    }

    [Theory]
    [InlineData("short-token", "too short")]
    [InlineData("admin token with spaces 0123456789", "too short or has spaces")]
    [InlineData(HttpToken, "the same as")]
    public async Task A_weak_admin_token_or_the_http_token_is_refused_by_name_without_showing_it(string adminToken, string expected)
    {
        var settings = TestSiloHost.ValidSettings("127.0.0.1:6379", Token);
        settings["SHARDER_HTTP_TOKEN"] = HttpToken;
        settings["SHARDER_ADMIN_TOKEN"] = adminToken;
        await using var app = TestSiloHost.Build(settings, _directory);

        var exception = Record.Exception(app.ValidateSharderSettings);

        Assert.NotNull(exception);
        Assert.True(StartupFailure.TryDescribe(exception, out var message));
        Assert.Contains("SHARDER_ADMIN_TOKEN", message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.DoesNotContain(adminToken, message, StringComparison.Ordinal);
    }

    private static SiloHostOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<SiloHostOptions>>().Value;

    private static SiloHostOptions Options(Microsoft.AspNetCore.Builder.WebApplication app) => Options(app.Services);
}
