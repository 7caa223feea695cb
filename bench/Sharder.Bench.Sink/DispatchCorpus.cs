using System.Globalization;
using System.Text;
using Sharder.Grains.Gateway;
using Sharder.Grains.Sink;

namespace Sharder.Bench.Sink;

/// <summary>
/// MESSAGE_CREATE dispatches of about <c>payloadBytes</c> each, built before any measurement so their
/// payload arrays (the one allocation per event the gateway makes) are not counted against the sink.
/// </summary>
internal static class DispatchCorpus
{
    private const string Words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore ";

    /// <summary><paramref name="count"/> dispatches of one session, sequences 1..count.</summary>
    public static ShardDispatch[] Build(string sessionId, int count, int payloadBytes)
    {
        var dispatches = new ShardDispatch[count];
        var guilds = new ulong[] { 81384788765712384UL, 197038439483310086UL, 613425648685547541UL, 222078108977594368UL };
        for (int i = 0; i < count; i++)
        {
            long sequence = i + 1;
            ulong guildId = guilds[i % guilds.Length];
            var head = string.Create(CultureInfo.InvariantCulture, $"{{\"t\":\"MESSAGE_CREATE\",\"s\":{sequence},\"op\":0,\"d\":");
            var data = Data(guildId, sequence, payloadBytes - head.Length - 1);
            var frame = Encoding.UTF8.GetBytes(head + data + "}");
            dispatches[i] = new ShardDispatch(sessionId, sequence, "MESSAGE_CREATE", guildId, frame, head.Length..(head.Length + data.Length));
        }

        return dispatches;
    }

    private static string Data(ulong guildId, long sequence, int size)
    {
        var prefix = string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"id\":\"{1_100_000_000_000_000_000UL + (ulong)sequence}\",\"channel_id\":\"{guildId + 1}\",\"guild_id\":\"{guildId}\",")
            + ("\"author\":{\"id\":\"80351110224678912\",\"username\":\"nelly\",\"global_name\":\"Nelly\",\"avatar\":\"8342729096ea3675442027381ff50dfe\"},"
            + "\"mentions\":[],\"attachments\":[],\"embeds\":[],\"pinned\":false,\"tts\":false,\"type\":0,\"content\":\"");
        var text = new StringBuilder(prefix);
        while (text.Length < size - 2)
        {
            text.Append(Words, 0, Math.Min(Words.Length, size - 2 - text.Length));
        }

        return text.Append("\"}").ToString();
    }
}
