using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Sharder.Grains.Gateway;

namespace Sharder.Grains.Hosting;

/// <summary>Binds <see cref="GatewayOptions"/>, reading <c>Gateway:Intents</c> as names, numbers or both.</summary>
internal static class GatewayOptionsBindingExtensions
{
    /// <summary>
    /// Binds <paramref name="section"/> like <see cref="StrictBindingExtensions.BindStrictly{TOptions}"/>, except
    /// <c>Intents</c>, which <see cref="GatewayIntentNames.TryParse"/> reads (the binder would refuse a name). An
    /// unknown intent name stops the silo with a message naming the setting and the name.
    /// </summary>
    public static OptionsBuilder<GatewayOptions> BindGatewayOptions(this OptionsBuilder<GatewayOptions> builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        var intentsKey = ConfigurationPath.Combine(section.Path, nameof(GatewayOptions.Intents));
        return builder.Configure(options =>
        {
            // Everything but Intents, under the same path, so the binder's own messages name the full key.
            var rest = new ConfigurationBuilder()
                .AddInMemoryCollection(section.AsEnumerable().Where(pair => !IsIntentsKey(pair.Key, intentsKey)))
                .Build()
                .GetSection(section.Path);
            try
            {
                rest.Bind(options);
            }
            catch (InvalidOperationException ex)
            {
                throw new OptionsValidationException(
                    builder.Name, typeof(GatewayOptions), [$"{ex.Message} Set {section.Path} to a valid value."]);
            }

            if (section[nameof(GatewayOptions.Intents)] is not { } text)
            {
                return;
            }

            if (!GatewayIntentNames.TryParse(text, out var intents, out var bad))
            {
                throw new OptionsValidationException(builder.Name, typeof(GatewayOptions),
                [
                    $"The value \"{bad}\" at '{intentsKey}' is neither an intent name nor a number; set {intentsKey} to a number "
                    + "or to names such as GUILDS,GUILD_MESSAGES,MESSAGE_CONTENT (separated by commas or |; known names: "
                    + $"{string.Join(", ", GatewayIntentNames.Bits.Keys)}).",
                ]);
            }

            options.Intents = intents;
        });
    }

    private static bool IsIntentsKey(string key, string intentsKey) =>
        key.Equals(intentsKey, StringComparison.OrdinalIgnoreCase)
        || key.StartsWith(intentsKey + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase);
}
