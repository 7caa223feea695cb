using System.Buffers.Text;
using System.Text.Json;

namespace Sharder.Simulator.Events;

/// <summary>
/// Finds the simulator's event uid in a dispatch's <c>d</c>.
/// <para>
/// Rule: every payload the simulator produces (EventFactory and <see cref="EventFactory.Custom"/>) has a
/// top-level property <c>"x_sim_uid"</c> whose value is the uid as a JSON number, written as the first
/// property of <c>d</c>. MESSAGE_CREATE additionally uses the uid as its <c>id</c> snowflake. Clients ignore
/// unknown fields, so the extra property is harmless on the wire.
/// </para>
/// </summary>
public static class SimEventUid
{
    public const string PropertyName = "x_sim_uid";

    private static ReadOnlySpan<byte> PropertyNameUtf8 => "x_sim_uid"u8;

    /// <summary>Reads the uid from the JSON of <c>d</c>. Fast when it is the first property; otherwise scans the top level.</summary>
    public static bool TryRead(ReadOnlySpan<byte> dJson, out long uid)
    {
        uid = 0;
        try
        {
            var reader = new Utf8JsonReader(dJson);
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject && TryReadObject(ref reader, out uid);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads the uid from a whole gateway payload <c>{"t":…,"s":…,"op":…,"d":{…}}</c>.</summary>
    public static bool TryReadFromPayload(ReadOnlySpan<byte> payloadJson, out long uid)
    {
        uid = 0;
        try
        {
            var reader = new Utf8JsonReader(payloadJson);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isData = reader.ValueTextEquals("d"u8);
                reader.Read();
                if (isData)
                {
                    return reader.TokenType == JsonTokenType.StartObject && TryReadObject(ref reader, out uid);
                }

                reader.Skip();
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // The reader is positioned on the object's StartObject token.
    private static bool TryReadObject(ref Utf8JsonReader reader, out long uid)
    {
        uid = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isUid = reader.ValueTextEquals(PropertyNameUtf8);
            reader.Read();
            if (isUid)
            {
                return TryReadValue(ref reader, out uid);
            }

            reader.Skip();
        }

        return false;
    }

    private static bool TryReadValue(ref Utf8JsonReader reader, out long uid)
    {
        uid = 0;
        return reader.TokenType switch
        {
            JsonTokenType.Number => reader.TryGetInt64(out uid) && uid > 0,
            // Tolerate a string form, e.g. from a sink that re-serialized the payload.
            JsonTokenType.String when !reader.ValueIsEscaped =>
                Utf8Parser.TryParse(reader.ValueSpan, out uid, out int consumed) && consumed == reader.ValueSpan.Length && uid > 0,
            _ => false,
        };
    }
}
