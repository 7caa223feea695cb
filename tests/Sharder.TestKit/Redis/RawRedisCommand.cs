using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sharder.TestKit.Redis;

/// <summary>
/// Sends one command over a fresh loopback connection and reads the first reply line. Used for
/// PING, SHUTDOWN and FLUSHALL so managing the server never depends on a client library's retries.
/// </summary>
internal static class RawRedisCommand
{
    /// <summary>Returns the first reply line (e.g. "+PONG"), or null if the server closed the connection first.</summary>
    public static async Task<string?> SendAsync(int port, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
        var stream = client.GetStream();
        await stream.WriteAsync(Encode(arguments), cancellationToken).ConfigureAwait(false);
        return await ReadLineAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    private static byte[] Encode(IReadOnlyList<string> arguments)
    {
        var text = new StringBuilder();
        text.Append('*').Append(arguments.Count).Append("\r\n");
        foreach (var argument in arguments)
        {
            text.Append('$').Append(Encoding.UTF8.GetByteCount(argument)).Append("\r\n").Append(argument).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static async Task<string?> ReadLineAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        var buffer = new byte[256];
        while (true)
        {
            int read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return line.Count == 0 ? null : Encoding.UTF8.GetString([.. line]);
            }

            for (int i = 0; i < read; i++)
            {
                if (buffer[i] == (byte)'\n')
                {
                    return Encoding.UTF8.GetString([.. line]).TrimEnd('\r');
                }

                line.Add(buffer[i]);
            }
        }
    }
}
