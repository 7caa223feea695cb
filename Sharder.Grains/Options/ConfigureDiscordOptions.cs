using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Sharder.Grains.Options;

/// <summary>
/// Fills <see cref="DiscordOptions"/> from <c>DISCORD_TOKEN</c> (or <c>Discord:Token</c>) or the file named by
/// <c>DISCORD_TOKEN_FILE</c>, <c>Discord:ApiBaseUrl</c> and <c>Discord:GatewayUrl</c>.
/// </summary>
/// <exception cref="OptionsValidationException">A URL is not absolute, or the token file cannot be used.</exception>
public sealed class ConfigureDiscordOptions(IConfiguration configuration) : IConfigureOptions<DiscordOptions>
{
    /// <inheritdoc />
    public void Configure(DiscordOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Section = DiscordOptions.SectionName;
        var reader = new ConfigurationReader(configuration);

        var failures = new List<string>();
        var (token, tokenFailure) = SecretSetting.Read(configuration, DiscordOptions.DISCORD_TOKEN, $"{Section}:{nameof(DiscordOptions.Token)}");
        if (token is not null)
        {
            options.Token = token;
        }

        if (tokenFailure is not null)
        {
            failures.Add(tokenFailure);
        }

        options.ApiBaseUrl = reader.ReadAbsoluteUri(options.ApiBaseUrl, $"{Section}:{nameof(DiscordOptions.ApiBaseUrl)}") ?? options.ApiBaseUrl;
        options.GatewayUrl = reader.ReadAbsoluteUri(options.GatewayUrl, $"{Section}:{nameof(DiscordOptions.GatewayUrl)}");

        failures.AddRange(reader.Failures);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(MsOptions.DefaultName, typeof(DiscordOptions), failures);
        }
    }
}
