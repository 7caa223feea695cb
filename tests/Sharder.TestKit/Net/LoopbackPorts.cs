using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Sharder.TestKit.Net;

/// <summary>
/// Free loopback ports for servers a test starts in another process (a silo, redis-server). They are taken below
/// the kernel's ephemeral range: a port the kernel picks for "port 0" comes from that range, and until the child
/// process binds it the kernel may give it to any outgoing connection's local end (seen in CI: a silo's HTTP port
/// taken that way). Each port is handed out once per test process, starting at a random place so test processes
/// running side by side rarely meet, and is checked free by binding it.
/// </summary>
public static class LoopbackPorts
{
    private const int Floor = 10_000;
    private static readonly (int Low, int Count) s_pool = Pool();
    private static int s_next = Random.Shared.Next(s_pool.Count);

    /// <summary>A loopback port nothing listens on, below the ephemeral range when the kernel leaves room for one.</summary>
    public static int Reserve()
    {
        if (s_pool.Count == 0)
        {
            return EphemeralPort();
        }

        for (var attempt = 0; attempt < s_pool.Count; attempt++)
        {
            var port = s_pool.Low + (int)((uint)Interlocked.Increment(ref s_next) % (uint)s_pool.Count);
            if (IsFree(port))
            {
                return port;
            }
        }

        return EphemeralPort();
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int EphemeralPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>[Floor, start of the ephemeral range) on Linux; none where the range is unknown or leaves no room.</summary>
    private static (int Low, int Count) Pool()
    {
        const string RangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
        try
        {
            if (File.Exists(RangeFile)
                && int.TryParse(File.ReadAllText(RangeFile).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0],
                    NumberStyles.None, CultureInfo.InvariantCulture, out var ephemeralStart)
                && ephemeralStart - Floor >= 1_000)
            {
                return (Floor, ephemeralStart - Floor);
            }
        }
        catch (IOException)
        {
        }

        return (0, 0);
    }
}
