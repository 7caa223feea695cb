using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Sharder.Grains.Tests.Gateway.Fakes;

/// <summary>Keeps every formatted log line (with its exception text), to check what the shard logs.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}"))
            : "";
        _lines.Enqueue($"{logLevel} {eventId.Id} {formatter(state, exception)} [{properties}] {exception}");
    }
}
