namespace Sharder.Grains.Tests.Gateway.Fakes;

/// <summary>A <see cref="Random"/> whose every draw is the same fraction: deterministic jitter, and thread-safe.</summary>
internal sealed class FixedRandom(double fraction) : Random
{
    public override double NextDouble() => fraction;

    protected override double Sample() => fraction;
}
