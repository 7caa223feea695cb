using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Sharder.Grains.Gateway.Protocol;

/// <summary>
/// Typed reads of the only payloads the client fully parses (Hello, READY, Invalid Session) and
/// writers for the commands it sends itself (Identify, Resume, Heartbeat).
/// </summary>
/// <remarks>Readers take the raw <c>d</c> bytes located by <see cref="GatewayPayloadPeek"/> and never throw.</remarks>
internal static class GatewayPayloads
{
    internal const string BrowserAndDevice = "sharder";

    /// <summary>The largest millisecond count a <see cref="TimeSpan"/> holds.</summary>
    private const long MaxIntervalMilliseconds = long.MaxValue / TimeSpan.TicksPerMillisecond;

    private static readonly string s_operatingSystem = DescribeOperatingSystem();

    /// <summary>Reads <c>heartbeat_interval</c> from Hello's <c>d</c>; it must be positive and fit a <see cref="TimeSpan"/>.</summary>
    public static bool TryReadHello(ReadOnlySpan<byte> data, out TimeSpan heartbeatInterval)
    {
        heartbeatInterval = default;
        if (!TryReadHelloMilliseconds(data, out var milliseconds)
            || milliseconds <= 0
            || milliseconds > MaxIntervalMilliseconds)
        {
            return false;
        }

        heartbeatInterval = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    /// <summary>Reads <c>heartbeat_interval</c> from Hello's <c>d</c> as sent, any integer; the caller checks the range.</summary>
    public static bool TryReadHelloMilliseconds(ReadOnlySpan<byte> data, out long milliseconds)
    {
        milliseconds = 0;
        if (!TryDeserialize(data, GatewayJsonContext.Default.HelloData, out var hello))
        {
            return false;
        }

        milliseconds = hello.HeartbeatIntervalMilliseconds;
        return true;
    }


    /// <summary>Reads <c>session_id</c> and <c>resume_gateway_url</c> from READY's <c>d</c>; both must be non-empty.</summary>
    public static bool TryReadReady(ReadOnlySpan<byte> data, [NotNullWhen(true)] out ReadyData? ready)
    {
        if (TryDeserialize(data, GatewayJsonContext.Default.ReadyData, out ready)
            && ready.SessionId.Length > 0
            && ready.ResumeGatewayUrl.Length > 0)
        {
            return true;
        }

        ready = null;
        return false;
    }

    /// <summary>Reads Invalid Session's <c>d</c>: whether the session may be resumed.</summary>
    public static bool TryReadInvalidSession(ReadOnlySpan<byte> data, out bool resumable)
    {
        try
        {
            resumable = JsonSerializer.Deserialize(data, GatewayJsonContext.Default.Boolean);
            return true;
        }
        catch (JsonException)
        {
            resumable = false;
            return false;
        }
    }

    /// <summary>Writes an Identify (op 2) and returns the number of bytes written.</summary>
    public static int WriteIdentify(IBufferWriter<byte> output, in IdentifyCommand command)
    {
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteNumber("op"u8, (int)GatewayOpcode.Identify);
        writer.WriteStartObject("d"u8);
        writer.WriteString("token"u8, command.Token);
        writer.WriteNumber("intents"u8, command.Intents);
        writer.WriteStartObject("properties"u8);
        writer.WriteString("os"u8, s_operatingSystem);
        writer.WriteString("browser"u8, BrowserAndDevice);
        writer.WriteString("device"u8, BrowserAndDevice);
        writer.WriteEndObject();
        writer.WriteBoolean("compress"u8, false);
        writer.WriteNumber("large_threshold"u8, command.LargeThreshold);
        writer.WriteStartArray("shard"u8);
        writer.WriteNumberValue(command.ShardId);
        writer.WriteNumberValue(command.ShardCount);
        writer.WriteEndArray();
        if (!command.PresenceJson.IsEmpty)
        {
            writer.WritePropertyName("presence"u8);
            writer.WriteRawValue(command.PresenceJson.Span, skipInputValidation: false);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        return checked((int)writer.BytesCommitted);
    }

    /// <summary>Writes a Resume (op 6) and returns the number of bytes written.</summary>
    public static int WriteResume(IBufferWriter<byte> output, string token, string sessionId, long sequence)
    {
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteNumber("op"u8, (int)GatewayOpcode.Resume);
        writer.WriteStartObject("d"u8);
        writer.WriteString("token"u8, token);
        writer.WriteString("session_id"u8, sessionId);
        writer.WriteNumber("seq"u8, sequence);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        return checked((int)writer.BytesCommitted);
    }

    /// <summary>Writes a Heartbeat (op 1) carrying the last sequence, or null before the first dispatch.</summary>
    public static int WriteHeartbeat(IBufferWriter<byte> output, long? sequence)
    {
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteNumber("op"u8, (int)GatewayOpcode.Heartbeat);
        if (sequence is { } value)
        {
            writer.WriteNumber("d"u8, value);
        }
        else
        {
            writer.WriteNull("d"u8);
        }

        writer.WriteEndObject();
        writer.Flush();
        return checked((int)writer.BytesCommitted);
    }

    private static bool TryDeserialize<T>(
        ReadOnlySpan<byte> data,
        JsonTypeInfo<T> typeInfo,
        [NotNullWhen(true)] out T? value)
        where T : class
    {
        try
        {
            value = JsonSerializer.Deserialize(data, typeInfo);
            return value is not null;
        }
        catch (JsonException)
        {
            value = null;
            return false;
        }
    }

    private static string DescribeOperatingSystem()
    {
        if (OperatingSystem.IsLinux())
        {
            return "linux";
        }

        if (OperatingSystem.IsWindows())
        {
            return "windows";
        }

        if (OperatingSystem.IsMacOS())
        {
            return "macos";
        }

        return OperatingSystem.IsFreeBSD() ? "freebsd" : "unknown";
    }
}
