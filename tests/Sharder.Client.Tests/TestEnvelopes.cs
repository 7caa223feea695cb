using System.Buffers;
using System.Globalization;
using System.Text;
using Sharder.Grains.Gateway;
using Sharder.Grains.Sink;
using StackExchange.Redis;

namespace Sharder.Client.Tests;

/// <summary>Dispatches as the gateway sends them, and envelopes as the silo's own writer makes them.</summary>
internal static class TestEnvelopes
{
    private static int _prefixCounter;

    /// <summary>A key prefix no other test uses.</summary>
    public static string UniquePrefix(string name)
        => string.Create(CultureInfo.InvariantCulture, $"{name}{Interlocked.Increment(ref _prefixCounter)}-{Environment.ProcessId}");

    public static async Task<ConnectionMultiplexer> ConnectAsync(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.AsyncTimeout = 5_000;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>A dispatch frame <c>{"t":…,"s":…,"op":0,"d":…}</c>, <c>d</c> last as Discord orders it.</summary>
    public static ShardDispatch Dispatch(string session, long sequence, string type = "MESSAGE_CREATE", ulong? guildId = null, string? data = null)
    {
        data ??= guildId is { } guild
            ? $"{{\"guild_id\":\"{guild}\",\"content\":\"message {sequence}\"}}"
            : $"{{\"content\":\"message {sequence}\"}}";
        var head = $"{{\"t\":\"{type}\",\"s\":{sequence},\"op\":0,\"d\":";
        var frame = Encoding.UTF8.GetBytes(head + data + "}");
        int start = Encoding.UTF8.GetByteCount(head);
        return new ShardDispatch(session, sequence, type, guildId, frame, start..(frame.Length - 1));
    }

    /// <summary>The envelope the silo pushes for <paramref name="outbound"/>, written by its own <see cref="EnvelopeWriter"/>.</summary>
    public static byte[] Envelope(int shard, in ShardDispatch outbound)
    {
        var buffer = new ArrayBufferWriter<byte>();
        EnvelopeWriter.WriteEnvelope(buffer, shard, outbound);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Envelope(int shard, string session, long sequence) => Envelope(shard, Dispatch(session, sequence));
}
