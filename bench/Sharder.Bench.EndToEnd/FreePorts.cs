using System.Net;
using System.Net.Sockets;

namespace Sharder.Bench.EndToEnd;

internal static class FreePorts
{
    /// <summary><paramref name="count"/> distinct free TCP ports on 127.0.0.1 (held together while chosen).</summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var l in listeners) l.Start();
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }
}
