using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Sharder.Grains.Options;

/// <summary>Registers Sharder's options with their configuration sources and validators.</summary>
public static class SharderOptionsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="DiscordOptions"/>, <see cref="ShardingOptions"/> and <see cref="CoordinatorOptions"/>
    /// from the registered <c>IConfiguration</c> (environment variables included) and validates them when
    /// the host starts, so a bad setting stops the silo with one message listing every problem.
    /// Calling it twice registers nothing new.
    /// </summary>
    public static IServiceCollection AddSharderOptions(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        Register<DiscordOptions, ConfigureDiscordOptions, DiscordOptionsValidator>(services);
        Register<ShardingOptions, ConfigureShardingOptions, ShardingOptionsValidator>(services);
        Register<CoordinatorOptions, ConfigureCoordinatorOptions, CoordinatorOptionsValidator>(services);
        return services;
    }

    private static void Register<TOptions, TConfigure, TValidator>(IServiceCollection services)
        where TOptions : class
        where TConfigure : class, IConfigureOptions<TOptions>
        where TValidator : class, IValidateOptions<TOptions>
    {
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<TOptions>) && d.ImplementationType == typeof(TValidator)))
        {
            return;
        }

        services.AddOptions<TOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<TOptions>, TConfigure>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
    }
}
