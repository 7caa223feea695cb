using System.Text;

namespace Sharder.Simulator.Events;

/// <summary>
/// Seeded, JSON-safe ASCII prose. Message content is a slice of it at a random offset, so payloads differ
/// from each other the way chat does and compression ratios stay realistic.
/// </summary>
internal sealed class TextCorpus
{
    private const int CorpusBytes = 256 * 1024;

    private static readonly string[] s_words =
    [
        "the", "gateway", "shard", "resume", "session", "message", "guild", "channel", "server", "latency",
        "anyone", "playing", "tonight", "raid", "patch", "notes", "update", "bot", "ping", "queue",
        "thanks", "please", "check", "pinned", "rules", "welcome", "new", "members", "event", "starts",
        "at", "nine", "lol", "nice", "clip", "stream", "later", "voice", "chat", "is", "down", "again",
        "heartbeat", "missed", "zombie", "reconnect", "identify", "window", "sequence", "replay",
        "good", "morning", "everyone", "who", "wants", "to", "join", "match", "ranked", "casual",
    ];

    private readonly byte[] _text;

    public TextCorpus(int seed)
    {
        var random = new Random(seed);
        var builder = new StringBuilder(CorpusBytes + 32);
        bool capitalize = true;
        while (builder.Length < CorpusBytes)
        {
            string word = s_words[random.Next(s_words.Length)];
            builder.Append(capitalize ? char.ToUpperInvariant(word[0]) + word[1..] : word);
            capitalize = false;
            int roll = random.Next(20);
            if (roll == 0)
            {
                builder.Append(". ");
                capitalize = true;
            }
            else if (roll == 1)
            {
                builder.Append(", ");
            }
            else if (roll == 2)
            {
                builder.Append("! ");
                capitalize = true;
            }
            else
            {
                builder.Append(' ');
            }
        }

        _text = Encoding.ASCII.GetBytes(builder.ToString(0, CorpusBytes));
    }

    public int MaxSliceLength => _text.Length;

    /// <summary>A slice of exactly <paramref name="length"/> bytes starting at <paramref name="offset"/> (wrapped to fit).</summary>
    public ReadOnlyMemory<byte> Slice(int offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _text.Length);
        int start = (int)((uint)offset % (uint)(_text.Length - length + 1));
        return _text.AsMemory(start, length);
    }
}
