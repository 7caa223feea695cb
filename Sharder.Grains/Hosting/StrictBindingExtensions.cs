using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Sharder.Grains.Hosting;

/// <summary>Binds an options class so that a value the binder cannot convert is reported like any other invalid setting.</summary>
internal static class StrictBindingExtensions
{
    /// <summary>
    /// Binds <paramref name="section"/>. The configuration binder throws <see cref="InvalidOperationException"/>
    /// for a value it cannot convert ("Failed to convert configuration value at 'Gateway:Intents' …"); that
    /// becomes an <see cref="OptionsValidationException"/> so the silo stops with the one settings message
    /// that names the key, not with a stack trace.
    /// </summary>
    public static OptionsBuilder<TOptions> BindStrictly<TOptions>(this OptionsBuilder<TOptions> builder, IConfigurationSection section)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        return builder.Configure(options =>
        {
            try
            {
                section.Bind(options);
            }
            catch (InvalidOperationException ex)
            {
                throw new OptionsValidationException(
                    builder.Name, typeof(TOptions), [$"{ex.Message} Set {section.Path} to a valid value."]);
            }
        });
    }
}
