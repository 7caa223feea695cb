using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;

namespace Sharder.Client.Commands;

/// <summary>
/// Checks a gateway command the way the silo will before sending it (README "Worker commands"): non-empty,
/// at most <see cref="MaxBytes"/>, valid UTF-8, one well-formed JSON object with no trailing data and no lone
/// surrogate escapes, exactly one integer <c>op</c> on the allow-list and exactly one object <c>d</c>; a
/// guild-routed command also needs <c>d.guild_id</c>. A command this refuses would only be dead-lettered by
/// the silo. The rules are the silo's (<c>Sharder.Grains.Commands.CommandValidator</c>, which this library must
/// not reference: workers do not pull Orleans); a test runs both over one corpus so they cannot drift.
/// Pure and thread-safe; never throws on any input.
/// </summary>
public sealed class CommandValidator
{
    /// <summary>Discord closes the connection with 4002 above this.</summary>
    public const int MaxBytes = 4096;

    /// <summary>Every op a worker may ever send: presence 3, voice state 4, guild members 8, soundboard sounds 31, channel info 43.</summary>
    public static readonly IReadOnlySet<int> GatewayCommandOps = new HashSet<int> { 3, 4, 8, 31, 43 };

    private readonly HashSet<int> _allowedOps;
    private readonly string _allowedText;

    /// <summary>A validator for the silo's default allow-list (<c>Redis:Commands:AllowedOps</c> = 3, 4, 8, 31, 43).</summary>
    public CommandValidator()
        : this(GatewayCommandOps)
    {
    }

    /// <param name="allowedOps">The silo's <c>Redis:Commands:AllowedOps</c>; a non-empty subset of <see cref="GatewayCommandOps"/>.</param>
    public CommandValidator(IEnumerable<int> allowedOps)
    {
        ArgumentNullException.ThrowIfNull(allowedOps);
        _allowedOps = [.. allowedOps];
        if (_allowedOps.Count == 0 || !_allowedOps.IsSubsetOf(GatewayCommandOps))
        {
            throw new ArgumentException(
                $"The allowed ops must be a non-empty subset of {string.Join(", ", GatewayCommandOps.Order())}.", nameof(allowedOps));
        }

        _allowedText = string.Join(", ", _allowedOps.Order());
    }

    /// <summary>The ops this validator lets through.</summary>
    public IReadOnlySet<int> AllowedOps => _allowedOps;

    /// <summary>Checks a command for a shard's own list (<c>{prefix}:to:{shard}</c>).</summary>
    public CommandCheck Check(ReadOnlySpan<byte> payload)
    {
        if (payload.Length == 0)
        {
            return CommandCheck.Reject(CommandRejectReason.Empty, "the command is empty");
        }

        if (payload.Length > MaxBytes)
        {
            return CommandCheck.Reject(
                CommandRejectReason.TooLarge, string.Create(CultureInfo.InvariantCulture, $"{payload.Length} bytes, over the gateway's {MaxBytes}"));
        }

        if (!Utf8.IsValid(payload))
        {
            return CommandCheck.Reject(CommandRejectReason.InvalidUtf8, "not valid UTF-8");
        }

        try
        {
            return CheckJson(payload);
        }
        catch (JsonException ex)
        {
            return CommandCheck.Reject(
                CommandRejectReason.InvalidJson, string.Create(CultureInfo.InvariantCulture, $"not well-formed JSON (byte {ex.BytePositionInLine})"));
        }
        catch (Exception ex)
        {
            return CommandCheck.Reject(CommandRejectReason.InvalidJson, $"unreadable JSON ({ex.GetType().Name})");
        }
    }

    /// <summary>Checks a command for the guild-routed list (<c>{prefix}:commands</c>): <see cref="Check"/>, then <c>d.guild_id</c>.</summary>
    public CommandCheck CheckGuildRouted(ReadOnlySpan<byte> payload)
    {
        var check = Check(payload);
        if (check.IsAccepted && !TryReadGuildId(payload, out _))
        {
            return CommandCheck.Reject(CommandRejectReason.NoGuildId, "a guild-routed command needs d.guild_id (a snowflake)", check.Op);
        }

        return check;
    }

    /// <summary>
    /// Reads <c>d.guild_id</c> (a string of digits or a number) of a well-formed JSON object payload, as the
    /// silo does to route a guild-routed command.
    /// </summary>
    public static bool TryReadGuildId(ReadOnlySpan<byte> payload, out ulong guildId)
    {
        guildId = 0;
        var reader = new Utf8JsonReader(payload);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            bool found = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isData = reader.ValueTextEquals("d"u8);
                reader.Read();
                if (!isData || reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                found = false;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    bool isGuildId = reader.ValueTextEquals("guild_id"u8);
                    reader.Read();
                    if (isGuildId)
                    {
                        found = ParseSnowflake(ref reader, out guildId);
                    }

                    reader.Skip();
                }
            }

            // Past the root object: throws on trailing or missing content.
            return reader.TokenType == JsonTokenType.EndObject && !reader.Read() && found;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private static bool ParseSnowflake(ref Utf8JsonReader reader, out ulong value)
    {
        value = 0;
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.TryGetUInt64(out value);
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        if (!reader.ValueIsEscaped)
        {
            var digits = reader.ValueSpan;
            return Utf8Parser.TryParse(digits, out value, out int used) && used == digits.Length;
        }

        return ulong.TryParse(reader.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private CommandCheck CheckJson(ReadOnlySpan<byte> payload)
    {
        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
        if (!reader.Read())
        {
            return CommandCheck.Reject(CommandRejectReason.InvalidJson, "no JSON value");
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            // The whole value must still be well-formed for this to be the reason.
            string kind = reader.TokenType switch
            {
                JsonTokenType.StartArray => "array",
                JsonTokenType.String => "string",
                JsonTokenType.Number => "number",
                JsonTokenType.True or JsonTokenType.False => "boolean",
                JsonTokenType.Null => "null",
                _ => "value",
            };
            reader.Skip();
            Drain(ref reader);
            return CommandCheck.Reject(CommandRejectReason.NotAnObject, $"a JSON {kind}, not an object");
        }

        var fields = new TopLevelFields();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped && HasLoneSurrogate(reader.ValueSpan))
            {
                return LoneSurrogate(ref reader);
            }

            var field = reader.ValueTextEquals("op"u8) ? 1 : reader.ValueTextEquals("d"u8) ? 2 : 0;
            reader.Read();
            if (field == 1)
            {
                fields.SeeOp(ref reader);
            }
            else if (field == 2)
            {
                fields.SeeData(reader.TokenType);
            }

            if (!SkipChecked(ref reader))
            {
                return LoneSurrogate(ref reader);
            }
        }

        Drain(ref reader);
        if (fields.Duplicate is { } duplicate)
        {
            return CommandCheck.Reject(CommandRejectReason.DuplicateField, $"\"{duplicate}\" appears twice");
        }

        if (fields.Op is not { } op)
        {
            return CommandCheck.Reject(CommandRejectReason.MissingOp, fields.OpSeen ? "\"op\" is not an integer" : "no \"op\"");
        }

        if (!_allowedOps.Contains(op))
        {
            return CommandCheck.Reject(
                CommandRejectReason.OpNotAllowed,
                string.Create(CultureInfo.InvariantCulture, $"op {op} is not allowed (allowed: {_allowedText})"),
                op);
        }

        if (!fields.DataIsObject)
        {
            return CommandCheck.Reject(CommandRejectReason.MissingData, fields.DataSeen ? "\"d\" is not an object" : "no \"d\"", op);
        }

        return CommandCheck.Accept(op);
    }

    /// <summary>
    /// Whether JSON string text as written (escapes undecoded) holds a <c>\u</c> escape of one half of a
    /// surrogate pair without the other half right after it.
    /// </summary>
    internal static bool HasLoneSurrogate(ReadOnlySpan<byte> raw)
    {
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] != (byte)'\\' || i + 1 >= raw.Length)
            {
                continue;
            }

            if (raw[i + 1] != (byte)'u')
            {
                i++; // an escape such as \" or \\: its second byte is not a backslash of its own
                continue;
            }

            if (!TryReadUnit(raw, i + 2, out char unit) || char.IsLowSurrogate(unit))
            {
                return true;
            }

            i += 5;
            if (!char.IsHighSurrogate(unit))
            {
                continue;
            }

            if (i + 2 >= raw.Length || raw[i + 1] != (byte)'\\' || raw[i + 2] != (byte)'u'
                || !TryReadUnit(raw, i + 3, out char low) || !char.IsLowSurrogate(low))
            {
                return true;
            }

            i += 6;
        }

        return false;
    }

    private static bool TryReadUnit(ReadOnlySpan<byte> raw, int start, out char unit)
    {
        unit = '\0';
        if (start + 4 > raw.Length)
        {
            return false;
        }

        int value = 0;
        foreach (byte digit in raw.Slice(start, 4))
        {
            if (!char.IsAsciiHexDigit((char)digit))
            {
                return false;
            }

            value = (value * 16) + (digit <= (byte)'9' ? digit - '0' : (digit | 0x20) - 'a' + 10);
        }

        unit = (char)value;
        return true;
    }

    /// <summary>Moves past the value the reader stands on; false when a string in it holds a lone surrogate.</summary>
    private static bool SkipChecked(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            int depth = reader.CurrentDepth;
            while (reader.Read() && reader.CurrentDepth > depth)
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName
                    && reader.ValueIsEscaped && HasLoneSurrogate(reader.ValueSpan))
                {
                    return false;
                }
            }

            return true;
        }

        return !(reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped && HasLoneSurrogate(reader.ValueSpan));
    }

    /// <summary>Reads to the end of the input: throws <see cref="JsonException"/> on trailing or missing content.</summary>
    private static void Drain(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
        }
    }

    private static CommandCheck LoneSurrogate(ref Utf8JsonReader reader)
    {
        Drain(ref reader);
        return CommandCheck.Reject(CommandRejectReason.LoneSurrogate, "a string holds a lone surrogate escape");
    }

    /// <summary>What the top level said about <c>op</c> and <c>d</c>; the first repeated field wins.</summary>
    private struct TopLevelFields
    {
        private bool _opBroken;
        private int? _op;

        public string? Duplicate { get; private set; }

        public bool OpSeen { get; private set; }

        public bool DataSeen { get; private set; }

        public bool DataIsObject { get; private set; }

        public readonly int? Op => OpSeen && !_opBroken ? _op : null;

        public void SeeOp(ref Utf8JsonReader reader)
        {
            if (OpSeen)
            {
                Duplicate ??= "op";
            }

            OpSeen = true;
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int value))
            {
                _op = value;
            }
            else
            {
                _opBroken = true;
            }
        }

        public void SeeData(JsonTokenType token)
        {
            if (DataSeen)
            {
                Duplicate ??= "d";
            }

            DataSeen = true;
            DataIsObject = token == JsonTokenType.StartObject;
        }
    }
}
