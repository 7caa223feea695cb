using Microsoft.Extensions.Options;

namespace Sharder.Silo.Extensions;

/// <summary>Runs the host and turns a settings failure into one message and a non-zero exit code.</summary>
public static class SharderApplicationExtensions
{
    /// <summary>
    /// Validates every option registered with <c>ValidateOnStart</c>, then runs until SIGTERM or Ctrl-C (the
    /// graceful stop is bounded by <c>Cluster:ShutdownTimeout</c>).
    /// </summary>
    /// <param name="host">The built host.</param>
    /// <param name="error">Where the settings failure is written; the console's error stream by default.</param>
    /// <returns>
    /// 0 after a normal stop; <see cref="StartupFailure.ExitCode"/> when a setting is wrong; <see cref="StopWatchdog.ExitCode"/>
    /// when the stop did not end within the shutdown timeout and a grace period.
    /// </returns>
    public static async Task<int> RunSharderAsync(this IHost host, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        error ??= Console.Error;
        try
        {
            // Validating before the host starts keeps the host from logging the failure with a stack trace.
            host.ValidateSharderSettings();
            using var watchdog = StopWatchdog.Arm(host.Services);
            await host.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (Exception ex) when (StartupFailure.TryDescribe(ex, out var message))
        {
            await error.WriteLineAsync(message).ConfigureAwait(false);
            return StartupFailure.ExitCode;
        }
    }

    /// <summary>Runs the start-time validation of every option registered with <c>ValidateOnStart</c>.</summary>
    /// <exception cref="OptionsValidationException">One option class is invalid.</exception>
    /// <exception cref="AggregateException">Several option classes are invalid.</exception>
    public static void ValidateSharderSettings(this IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        host.Services.GetService<IStartupValidator>()?.Validate();
    }
}
