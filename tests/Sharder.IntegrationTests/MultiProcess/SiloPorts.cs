namespace Sharder.IntegrationTests.MultiProcess;

/// <summary>The three ports one silo process listens on.</summary>
internal sealed record SiloPorts(int Silo, int Gateway, int Http)
{
    /// <summary>Three free loopback ports, below the ephemeral range (see <see cref="Sharder.TestKit.Net.LoopbackPorts"/>).</summary>
    public static SiloPorts Reserve()
        => new(Sharder.TestKit.Net.LoopbackPorts.Reserve(), Sharder.TestKit.Net.LoopbackPorts.Reserve(), Sharder.TestKit.Net.LoopbackPorts.Reserve());
}
