using System.Globalization;
using System.Text;
using Sharder.Grains.Sink;

namespace Sharder.Grains.Commands;

/// <summary>
/// Names the command lists: <c>{prefix}:to:{shard}</c> per shard (sharder-binary's <c>sharder:to:{shard}</c>
/// with the default prefix; each element is a raw gateway payload) and the guild-routed <c>{prefix}:commands</c>
/// (each element a gateway payload whose <c>d.guild_id</c> picks the shard), and the dead-letter list
/// <c>{prefix}:commands:dead</c>. In <see cref="RedisKeyLayout.Cluster"/> the prefix is a hash tag,
/// <c>{sharder}:to:{shard}</c>, <c>{sharder}:commands</c>, <c>{sharder}:commands:dead</c>, so every command list
/// is in one slot and one BLPOP may wait on all of them (see <see cref="CommandNodeLocator"/>). Pure: no I/O.
/// </summary>
internal sealed class CommandKeys
{
    private readonly string _shardListStem;
    private readonly byte[] _shardListStemBytes;

    public CommandKeys(string prefix, RedisKeyLayout layout = RedisKeyLayout.Standalone)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        if (layout == RedisKeyLayout.Cluster)
        {
            prefix = $"{{{prefix}}}";
        }

        _shardListStem = $"{prefix}:to:";
        _shardListStemBytes = Encoding.UTF8.GetBytes(_shardListStem);
        GuildRouted = $"{prefix}:commands";
        GuildRoutedBytes = Encoding.UTF8.GetBytes(GuildRouted);
        DeadLetters = $"{prefix}:commands:dead";
    }

    /// <summary>Where rejected and undeliverable commands go, one JSON entry each (see <see cref="DeadLetter"/>).</summary>
    public string DeadLetters { get; }

    /// <summary>The one list whose commands are routed by guild id.</summary>
    public string GuildRouted { get; }

    /// <summary><see cref="GuildRouted"/> as UTF-8.</summary>
    public ReadOnlyMemory<byte> GuildRoutedBytes { get; }

    /// <summary>The command list of one shard.</summary>
    public string ForShard(int shardId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shardId);
        return _shardListStem + shardId.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A SCAN pattern matching every shard command list (and anything else under <c>{prefix}:to:</c>).</summary>
    public string ForShardPattern => EscapeGlob(_shardListStem) + "*";

    /// <summary>Whether <paramref name="key"/> (as BLPOP returns it) is a shard's command list, and whose.</summary>
    public bool TryParseShard(ReadOnlySpan<byte> key, out int shardId)
    {
        shardId = -1;
        if (!key.StartsWith(_shardListStemBytes))
        {
            return false;
        }

        var digits = key[_shardListStemBytes.Length..];
        return digits.Length > 0
            && digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0
            && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out shardId);
    }

    /// <summary>Escapes the characters SCAN's MATCH treats as a pattern, so a prefix matches only itself.</summary>
    private static string EscapeGlob(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
