using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Sharder.Grains.Coordination;

/// <summary>
/// Names the bot whose identify ledger a coordinator uses, without ever storing the token: every cluster
/// of one bot arrives at the same name, so they share the buckets and the daily budget.
/// </summary>
internal static class BotLedgerId
{
    /// <summary>
    /// The bot's application id: the first dot-separated part of a bot token is the bot user's id in
    /// base64, and a bot user's id is its application's id. A token that does not have that shape gives
    /// <c>h</c> and the first 32 hex digits of the token's SHA-256 (one-way, so the key does not reveal it).
    /// </summary>
    /// <param name="token">The bot token, without the <c>Bot </c> prefix.</param>
    public static string FromToken(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        var firstPart = token.Split('.', 2)[0];
        return TryDecodeUserId(firstPart) is { } id
            ? id.ToString(CultureInfo.InvariantCulture)
            : "h" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..32];
    }

    private static ulong? TryDecodeUserId(string part)
    {
        // Discord writes the id in base64 without padding; accept the url-safe alphabet too.
        var standard = part.Replace('-', '+').Replace('_', '/');
        standard = standard.PadRight(standard.Length + ((4 - (standard.Length % 4)) % 4), '=');
        var buffer = new byte[Base64.GetMaxDecodedFromUtf8Length(standard.Length)];
        if (standard.Length == 0 || !Convert.TryFromBase64String(standard, buffer, out var written))
        {
            return null;
        }

        var digits = buffer.AsSpan(0, written);
        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return null;
            }
        }

        return ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;
    }
}
