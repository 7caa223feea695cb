using System.Buffers.Text;
using System.Text.Json;

namespace Sharder.Grains.Cutover;

/// <summary>
/// Whether a new generation's shard has caught up: its READY arrived and every guild it lists has had its
/// GUILD_CREATE (a GUILD_DELETE, or <see cref="GuildTimeout"/> after READY, settles an unavailable guild), or
/// the activation resumed the session and its RESUMED arrived.
/// Fed each dispatch's type and <c>d</c>; READY is parsed once, the rest only peeked. Thread-safe.
/// </summary>
internal sealed class GuildReadiness
{
    private static readonly JsonReaderOptions s_readerOptions = new() { CommentHandling = JsonCommentHandling.Disallow };

    private readonly Lock _lock = new();
    private readonly HashSet<ulong> _pending = [];
    private DateTimeOffset? _readyAt;

    public GuildReadiness(TimeSpan guildTimeout) => GuildTimeout = guildTimeout;

    /// <summary>After this long past READY, guilds still without a GUILD_CREATE count as received.</summary>
    public TimeSpan GuildTimeout { get; }

    public int PendingGuilds
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    public bool IsReady(DateTimeOffset now)
    {
        lock (_lock)
        {
            return _readyAt is { } at && (_pending.Count == 0 || now - at >= GuildTimeout);
        }
    }

    /// <summary>Takes one dispatch into account.</summary>
    public void Observe(string eventType, ReadOnlySpan<byte> data, DateTimeOffset now)
    {
        switch (eventType)
        {
            case "READY":
                var guilds = ReadyGuilds(data);
                lock (_lock)
                {
                    _pending.Clear();
                    _pending.UnionWith(guilds);
                    _readyAt = now;
                }

                break;
            case "RESUMED":
                // An activation that resumed the session (a move, or a crash recovered from the checkpoint) sees no
                // READY: RESUMED comes after the replay of everything since the checkpoint, GUILD_CREATEs included.
                lock (_lock)
                {
                    _readyAt ??= now;
                }

                break;
            case "GUILD_CREATE" or "GUILD_DELETE":
                if (TopLevelId(data) is { } id)
                {
                    lock (_lock)
                    {
                        _pending.Remove(id);
                    }
                }

                break;
        }
    }

    private static List<ulong> ReadyGuilds(ReadOnlySpan<byte> data)
    {
        var ids = new List<ulong>();
        try
        {
            var reader = new Utf8JsonReader(data, s_readerOptions);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("guilds", out var guilds) && guilds.ValueKind == JsonValueKind.Array)
            {
                foreach (var guild in guilds.EnumerateArray())
                {
                    if (guild.ValueKind == JsonValueKind.Object && guild.TryGetProperty("id", out var id)
                        && id.ValueKind == JsonValueKind.String && ulong.TryParse(id.GetString(), out var value))
                    {
                        ids.Add(value);
                    }
                }
            }
        }
        catch (JsonException)
        {
            // A READY we cannot read lists no guilds: the shard counts as ready at once.
        }

        return ids;
    }

    private static ulong? TopLevelId(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data, s_readerOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isId)
                {
                    return reader.TokenType == JsonTokenType.String && Utf8Parser.TryParse(reader.ValueSpan, out ulong id, out _) ? id : null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}
