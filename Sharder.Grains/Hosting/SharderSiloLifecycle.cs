using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Sharder.Grains.Commands;

namespace Sharder.Grains.Hosting;

/// <summary>
/// Starts the silo's Sharder services before grains run and stops them after grains are gone: connects
/// the shared Redis multiplexer, then starts the command pump (stage
/// <see cref="ServiceLifecycleStage.ApplicationServices"/>, which stops after every grain deactivated).
/// </summary>
internal sealed class SharderSiloLifecycle(IServiceProvider services) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        observer.Subscribe(nameof(SharderSiloLifecycle), ServiceLifecycleStage.ApplicationServices, OnStartAsync, OnStopAsync);
    }

    private Task OnStartAsync(CancellationToken cancellationToken)
    {
        // Resolving connects (once); failing here stops the silo instead of failing every shard later.
        _ = services.GetRequiredService<IConnectionMultiplexer>();
        services.GetRequiredService<CommandPump>().Start();
        return Task.CompletedTask;
    }

    private Task OnStopAsync(CancellationToken cancellationToken)
        => services.GetRequiredService<CommandPump>().StopAsync().WaitAsync(cancellationToken);
}
