namespace Sharder.Simulator.Tests.Net;

/// <summary>A clock whose wall time stands still (timers still run in real time), to see which time a component reads.</summary>
internal sealed class StoppedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
