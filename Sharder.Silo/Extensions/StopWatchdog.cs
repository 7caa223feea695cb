using Microsoft.Extensions.Options;
using Sharder.Silo.Health;

namespace Sharder.Silo.Extensions;

/// <summary>
/// Ends the process when a stop outlives <see cref="HostOptions.ShutdownTimeout"/> and <see cref="Grace"/>. A stop
/// with Redis gone (compose stopping everything at once) can wait on Orleans' membership writes, which retry
/// without end; the shards' sessions are already as resumable as they will get, so waiting helps no one.
/// </summary>
internal sealed class StopWatchdog : IDisposable
{
    /// <summary>The process's exit code when the watchdog ended it.</summary>
    public const int ExitCode = 2;

    /// <summary>Time after the shutdown timeout for the host to dispose what it started.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenRegistration _registration;
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private bool _disposed;

    private StopWatchdog(IHostApplicationLifetime lifetime, TimeSpan limit, TimeProvider timeProvider, ILogger logger)
    {
        _registration = lifetime.ApplicationStopping.Register(() =>
        {
            lock (_lock)
            {
                if (_disposed)
                {
                    return;
                }

                _timer = timeProvider.CreateTimer(
                    _ =>
                    {
                        HostLog.StopOverran(logger, limit, ExitCode);
                        Environment.Exit(ExitCode);
                    },
                    null,
                    limit,
                    Timeout.InfiniteTimeSpan);
            }
        });
    }

    /// <summary>Arms the watchdog for the host's next stop.</summary>
    public static StopWatchdog Arm(IServiceProvider services)
    {
        var limit = services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout + Grace;
        var timeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Sharder.Silo.StopWatchdog");
        return new StopWatchdog(services.GetRequiredService<IHostApplicationLifetime>(), limit, timeProvider, logger);
    }

    /// <summary>Disarms it once the host has stopped on its own.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer?.Dispose();
        }

        _registration.Dispose();
    }
}
