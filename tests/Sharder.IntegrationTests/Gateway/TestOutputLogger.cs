using System.Globalization;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>Writes the shards' log lines to the test output, so a failing scenario shows what each shard did.</summary>
internal sealed class TestOutputLogger(ITestOutputHelper output, string category, LogLevel minimum) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var time = TimeProvider.System.GetUtcNow().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
        var error = exception is null ? "" : $" [{exception.GetType().Name}: {exception.Message}]";
        try
        {
            output.WriteLine($"{time} {logLevel} {category}: {formatter(state, exception)}{error}");
        }
        catch (InvalidOperationException)
        {
            // A background task logged after its test finished; there is no output to write to any more.
        }
    }
}
