using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Sharder.Simulator.Gateway;

/// <summary>Exact server frames, key order <c>t, s, op, d</c> (R-3.1, R-3.2).</summary>
internal static class ServerFrames
{
    public static readonly byte[] HeartbeatAck = """{"t":null,"s":null,"op":11,"d":null}"""u8.ToArray();
    public static readonly byte[] HeartbeatRequest = """{"t":null,"s":null,"op":1,"d":null}"""u8.ToArray();
    public static readonly byte[] Reconnect = """{"t":null,"s":null,"op":7,"d":null}"""u8.ToArray();
    public static readonly byte[] InvalidSessionFalse = """{"t":null,"s":null,"op":9,"d":false}"""u8.ToArray();
    public static readonly byte[] InvalidSessionTrue = """{"t":null,"s":null,"op":9,"d":true}"""u8.ToArray();

    public static byte[] Hello(int heartbeatIntervalMs, string node) => Encoding.UTF8.GetBytes(
        "{\"t\":null,\"s\":null,\"op\":10,\"d\":{\"heartbeat_interval\":" + heartbeatIntervalMs.ToString(System.Globalization.CultureInfo.InvariantCulture)
        + ",\"_trace\":[\"[\\\"" + node + "\\\",{\\\"micros\\\":0.0}]\"]}}");

    /// <summary>Writes <c>{"t":"TYPE","s":SEQ,"op":0,"d":DATA}</c>.</summary>
    public static void WriteDispatch(IBufferWriter<byte> output, string type, long seq, ReadOnlySpan<byte> data)
    {
        var typeBytes = Encoding.UTF8.GetByteCount(type);
        var span = output.GetSpan(6 + typeBytes + 6 + 20 + 8 + data.Length + 1);
        var pos = 0;
        Append(span, ref pos, "{\"t\":\""u8);
        pos += Encoding.UTF8.GetBytes(type, span[pos..]);
        Append(span, ref pos, "\",\"s\":"u8);
        Utf8Formatter.TryFormat(seq, span[pos..], out var written);
        pos += written;
        Append(span, ref pos, ",\"op\":0,\"d\":"u8);
        Append(span, ref pos, data);
        span[pos++] = (byte)'}';
        output.Advance(pos);
    }

    private static void Append(Span<byte> span, ref int pos, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(span[pos..]);
        pos += bytes.Length;
    }
}
