using System.Net;
using System.Net.Sockets;

namespace Sharder.IntegrationTests.MultiProcess;

/// <summary>The three ports one silo process listens on.</summary>
internal sealed record SiloPorts(int Silo, int Gateway, int Http)
{
    /// <summary>
    /// Three free loopback ports. All three listeners stay open until the last is bound, so the ports differ;
    /// another process can still take one before the silo binds it (unlikely on a test machine).
    /// </summary>
    public static SiloPorts Reserve()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
            return new SiloPorts(ports[0], ports[1], ports[2]);
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Dispose();
            }
        }
    }
}
