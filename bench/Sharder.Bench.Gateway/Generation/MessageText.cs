using System.Text;

namespace Sharder.Bench.Gateway.Generation;

/// <summary>
/// Chat-like message content: mostly short lines of common words, sometimes long, with the things real
/// content carries that JSON must escape or encode (newlines, quotes, emoji, mentions, links).
/// </summary>
internal sealed class MessageText
{
    private static readonly string[] s_words =
    [
        "the", "a", "to", "and", "i", "you", "it", "is", "that", "of", "in", "for", "on", "this", "lol",
        "what", "just", "so", "but", "not", "with", "do", "we", "have", "be", "are", "was", "if", "can", "me",
        "my", "yeah", "like", "at", "no", "get", "all", "one", "there", "they", "when", "up", "out", "how",
        "now", "know", "about", "think", "ok", "server", "game", "bot", "update", "patch", "raid", "tonight",
        "anyone", "online", "stream", "voice", "channel", "role", "mods", "ping", "lag", "gg", "wp", "nice",
        "thanks", "build", "deploy", "broken", "works", "fixed", "again", "later", "tomorrow", "weekend",
        "actually", "probably", "honestly", "maybe", "definitely", "screenshot", "link", "queue", "match",
    ];

    private static readonly string[] s_emoji = ["😂", "👍", "🔥", "❤️", "🎉", "😭", "🙏", "👀", "✅", "💀", "😅", "🤔"];

    private static readonly string[] s_sites =
    [
        "https://www.youtube.com/watch?v=", "https://github.com/", "https://twitter.com/i/status/",
        "https://store.steampowered.com/app/", "https://en.wikipedia.org/wiki/",
    ];

    private readonly Random _random;
    private readonly StringBuilder _text = new();

    public MessageText(Random random)
    {
        _random = random;
    }

    /// <summary>Returns content and the link it contains, if any (a link gets an embed).</summary>
    public (string Content, string? Link) Next(IReadOnlyList<SyntheticUser> users)
    {
        _text.Clear();
        var roll = _random.Next(100);
        var words = roll switch
        {
            < 4 => 0, // attachment-only messages have empty content
            < 45 => _random.Next(1, 8),
            < 92 => _random.Next(8, 30),
            _ => _random.Next(30, 90),
        };

        string? link = null;
        for (var i = 0; i < words; i++)
        {
            if (i > 0)
            {
                _text.Append(_random.Next(25) == 0 ? '\n' : ' ');
            }

            AppendToken(users);
        }

        if (words > 0 && _random.Next(10) == 0)
        {
            link = NextLink();
            _text.Append(' ').Append(link);
        }

        return (_text.ToString(), link);
    }

    private void AppendToken(IReadOnlyList<SyntheticUser> users)
    {
        switch (_random.Next(100))
        {
            case < 3:
                _text.Append(s_emoji[_random.Next(s_emoji.Length)]);
                break;
            case < 5:
                _text.Append("<@").Append(users[_random.Next(users.Count)].Id).Append('>');
                break;
            case 5:
                _text.Append("<:pepe").Append(_random.Next(10)).Append(':')
                    .Append(Snowflake.Create(1_600_000_000_000 + _random.Next(), 0, 0, _random.Next(4096))).Append('>');
                break;
            case 6:
                _text.Append('"').Append(s_words[_random.Next(s_words.Length)]).Append('"');
                break;
            default:
                _text.Append(s_words[_random.Next(s_words.Length)]);
                break;
        }
    }

    private string NextLink()
    {
        var site = s_sites[_random.Next(s_sites.Length)];
        var path = new StringBuilder(site);
        for (var i = 0; i < 11; i++)
        {
            path.Append((char)('a' + _random.Next(26)));
        }

        return path.ToString();
    }
}
