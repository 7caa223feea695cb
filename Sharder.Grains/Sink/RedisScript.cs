using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Sharder.Grains.Sink;

/// <summary>
/// A Lua script run by its SHA1 (EVALSHA), so each call sends 40 bytes instead of the script text. When
/// the server does not know the script (first call, restart, SCRIPT FLUSH) it answers NOSCRIPT without
/// running anything, and the script is sent once with EVAL, which also caches it again.
/// </summary>
internal sealed class RedisScript
{
    private readonly byte[] _sha1;

    public RedisScript(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        Text = text;
#pragma warning disable CA5350 // SHA1 is how Redis names cached scripts (EVALSHA), not a security measure.
        _sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5350
    }

    public string Text { get; }

    /// <summary>The script's SHA1 as Redis prints it (40 lowercase hex digits).</summary>
    public string Sha1 => Convert.ToHexStringLower(_sha1);

    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
    {
        ArgumentNullException.ThrowIfNull(database);
        try
        {
            return await database.ScriptEvaluateAsync(_sha1, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await database.ScriptEvaluateAsync(Text, keys, values).ConfigureAwait(false);
        }
    }
}
