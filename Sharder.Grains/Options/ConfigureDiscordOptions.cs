using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Sharder.Grains.Options;

/// <summary>
/// Fills <see cref="DiscordOptions"/> from <c>DISCORD_TOKEN</c> (or <c>Discord:Token</c>),
/// <c>Discord:ApiBaseUrl</c> and <c>Discord:GatewayUrl</c>.
/// </summary>
/// <exception cref="OptionsValidationException">A URL is not absolute.</exception>
public sealed class ConfigureDiscordOptions(IConfiguration configuration) : IConfigureOptions<DiscordOptions>
{
    /// <inheritdoc />
    public void Configure(DiscordOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Section = DiscordOptions.SectionName;
        var reader = new ConfigurationReader(configuration);

        if (reader.Find(Section, nameof(DiscordOptions.Token), DiscordOptions.DISCORD_TOKEN) is var (_, token))
        {
            options.Token = token;
        }

        options.ApiBaseUrl = reader.ReadAbsoluteUri(options.ApiBaseUrl, Section, nameof(DiscordOptions.ApiBaseUrl)) ?? options.ApiBaseUrl;
        options.GatewayUrl = reader.ReadAbsoluteUri(options.GatewayUrl, Section, nameof(DiscordOptions.GatewayUrl));

        if (reader.Failures.Count > 0)
        {
            throw new OptionsValidationException(MsOptions.DefaultName, typeof(DiscordOptions), reader.Failures);
        }
    }
}
