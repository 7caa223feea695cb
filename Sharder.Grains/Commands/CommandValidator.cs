using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using Sharder.Grains.Gateway.Protocol;

namespace Sharder.Grains.Commands;

/// <summary>
/// Decides whether a worker's command may be sent to the gateway: non-empty, at most
/// <see cref="MaxBytes"/>, valid UTF-8, one well-formed JSON object with no trailing data, no lone surrogate
/// escapes, exactly one integer <c>op</c> on the allow-list and exactly one object <c>d</c>. Pure and
/// thread-safe; never throws on any input.
/// </summary>
internal sealed class CommandValidator
{
    /// <summary>Discord closes the connection with 4002 above this.</summary>
    public const int MaxBytes = 4096;

    /// <summary>The ops a client may send as a command: every send op but Heartbeat, Identify and Resume.</summary>
    public static readonly IReadOnlySet<int> GatewayCommandOps = new HashSet<int>
    {
        (int)GatewayOpcode.PresenceUpdate,
        (int)GatewayOpcode.VoiceStateUpdate,
        (int)GatewayOpcode.RequestGuildMembers,
        (int)GatewayOpcode.RequestSoundboardSounds,
        (int)GatewayOpcode.RequestChannelInfo,
    };

    private readonly HashSet<int> _allowedOps;
    private readonly string _allowedText;

    /// <param name="allowedOps">The ops to let through; each must be in <see cref="GatewayCommandOps"/>.</param>
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

    public CommandVerdict Validate(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return CommandVerdict.Reject(CommandRejectReason.Empty, "the command is empty");
        }

        if (payload.Length > MaxBytes)
        {
            return CommandVerdict.Reject(
                CommandRejectReason.TooLarge, string.Create(CultureInfo.InvariantCulture, $"{payload.Length} bytes, over the gateway's {MaxBytes}"));
        }

        if (!Utf8.IsValid(payload))
        {
            return CommandVerdict.Reject(CommandRejectReason.InvalidUtf8, "not valid UTF-8");
        }

        try
        {
            return ValidateJson(payload);
        }
        catch (JsonException ex)
        {
            return CommandVerdict.Reject(
                CommandRejectReason.InvalidJson, string.Create(CultureInfo.InvariantCulture, $"not well-formed JSON (byte {ex.BytePositionInLine})"));
        }
#pragma warning disable CA1031 // The contract is "never throws": anything else the reader throws rejects the command too.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return CommandVerdict.Reject(CommandRejectReason.InvalidJson, $"unreadable JSON ({ex.GetType().Name})");
        }
    }

    private CommandVerdict ValidateJson(ReadOnlySpan<byte> payload)
    {
        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
        if (!reader.Read())
        {
            return CommandVerdict.Reject(CommandRejectReason.InvalidJson, "no JSON value");
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            // Read the whole value anyway: a broken one is InvalidJson, not NotAnObject.
            var kind = Describe(reader.TokenType);
            reader.Skip();
            ReadToEnd(ref reader);
            return CommandVerdict.Reject(CommandRejectReason.NotAnObject, $"a JSON {kind}, not an object");
        }

        int? op = null;
        bool opSeen = false;
        bool opInvalid = false;
        bool dataSeen = false;
        bool dataIsObject = false;
        CommandVerdict? duplicate = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped && HasLoneSurrogate(reader.ValueSpan))
            {
                return RejectLoneSurrogate(ref reader);
            }

            bool isOp = reader.ValueTextEquals("op"u8);
            bool isData = !isOp && reader.ValueTextEquals("d"u8);
            reader.Read();
            if (isOp)
            {
                duplicate ??= opSeen ? CommandVerdict.Reject(CommandRejectReason.DuplicateField, "\"op\" appears twice") : null;
                opSeen = true;
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int value))
                {
                    op = value;
                }
                else
                {
                    opInvalid = true;
                }
            }
            else if (isData)
            {
                duplicate ??= dataSeen ? CommandVerdict.Reject(CommandRejectReason.DuplicateField, "\"d\" appears twice") : null;
                dataSeen = true;
                dataIsObject = reader.TokenType == JsonTokenType.StartObject;
            }

            if (!SkipValue(ref reader))
            {
                return RejectLoneSurrogate(ref reader);
            }
        }

        ReadToEnd(ref reader);
        if (duplicate is { } twice)
        {
            return twice;
        }

        if (!opSeen || opInvalid || op is not { } opValue)
        {
            return CommandVerdict.Reject(CommandRejectReason.MissingOp, opSeen ? "\"op\" is not an integer" : "no \"op\"");
        }

        if (!_allowedOps.Contains(opValue))
        {
            return CommandVerdict.Reject(
                CommandRejectReason.OpNotAllowed,
                string.Create(CultureInfo.InvariantCulture, $"op {opValue} is not allowed (allowed: {_allowedText})"),
                opValue);
        }

        if (!dataSeen || !dataIsObject)
        {
            return CommandVerdict.Reject(
                CommandRejectReason.MissingData, dataSeen ? "\"d\" is not an object" : "no \"d\"", opValue);
        }

        return CommandVerdict.Accept(opValue);
    }

    /// <summary>Whether JSON string text (as written, escapes and all) holds a <c>\u</c> surrogate escape without its pair.</summary>
    internal static bool HasLoneSurrogate(ReadOnlySpan<byte> raw)
    {
        int i = 0;
        while (i < raw.Length)
        {
            if (raw[i] != (byte)'\\' || i + 1 >= raw.Length)
            {
                i++;
                continue;
            }

            if (raw[i + 1] != (byte)'u')
            {
                i += 2;
                continue;
            }

            if (!TryHex4(raw, i + 2, out int unit))
            {
                return true;
            }

            i += 6;
            if (char.IsLowSurrogate((char)unit))
            {
                return true;
            }

            if (!char.IsHighSurrogate((char)unit))
            {
                continue;
            }

            if (i + 1 >= raw.Length || raw[i] != (byte)'\\' || raw[i + 1] != (byte)'u'
                || !TryHex4(raw, i + 2, out int low) || !char.IsLowSurrogate((char)low))
            {
                return true;
            }

            i += 6;
        }

        return false;
    }

    private static bool TryHex4(ReadOnlySpan<byte> raw, int start, out int value)
    {
        value = 0;
        if (start + 4 > raw.Length)
        {
            return false;
        }

        for (int k = start; k < start + 4; k++)
        {
            int digit = raw[k] switch
            {
                >= (byte)'0' and <= (byte)'9' => raw[k] - '0',
                >= (byte)'a' and <= (byte)'f' => raw[k] - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => raw[k] - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }

    /// <summary>Moves past the value the reader stands on, checking every string in it; false on a lone surrogate.</summary>
    private static bool SkipValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return reader.TokenType != JsonTokenType.String || !reader.ValueIsEscaped || !HasLoneSurrogate(reader.ValueSpan);
        }

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

    /// <summary>Reads past the root value's end: throws <see cref="JsonException"/> on trailing or missing content.</summary>
    private static void ReadToEnd(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
        }
    }

    /// <summary>A lone surrogate found: the rest must still be well-formed for this to be the reason.</summary>
    private static CommandVerdict RejectLoneSurrogate(ref Utf8JsonReader reader)
    {
        ReadToEnd(ref reader);
        return CommandVerdict.Reject(CommandRejectReason.LoneSurrogate, "a string holds a lone surrogate escape");
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => "value",
    };
}
