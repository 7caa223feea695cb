using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace Sharder.Silo.Extensions;

/// <summary>Describes a settings failure for the console: one message, every problem, no stack trace.</summary>
public static class StartupFailure
{
    /// <summary>The process exit code for invalid settings.</summary>
    public const int ExitCode = 1;

    /// <summary>
    /// Describes <paramref name="exception"/> when it is an <see cref="OptionsValidationException"/>, or an
    /// <see cref="AggregateException"/> of them (several option classes failed).
    /// </summary>
    public static bool TryDescribe(Exception exception, [NotNullWhen(true)] out string? message)
    {
        ArgumentNullException.ThrowIfNull(exception);
        IEnumerable<string>? failures = exception switch
        {
            OptionsValidationException single => single.Failures,
            AggregateException aggregate when aggregate.InnerExceptions.Count > 0
                && aggregate.InnerExceptions.All(static e => e is OptionsValidationException)
                => aggregate.InnerExceptions.Cast<OptionsValidationException>().SelectMany(static e => e.Failures),
            _ => null,
        };

        if (failures is null)
        {
            message = null;
            return false;
        }

        var lines = failures.Distinct(StringComparer.Ordinal).Select(static failure => $"  - {failure}");
        message = $"Sharder cannot start; fix these settings:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
        return true;
    }
}
