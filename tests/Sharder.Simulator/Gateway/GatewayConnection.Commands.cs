using System.Text;
using System.Text.Json;
using Sharder.Simulator.Apps;
using Sharder.Simulator.Compression;
using Sharder.Simulator.Faults;
using Sharder.Simulator.Ledger;
using Sharder.Simulator.Sessions;
using Sharder.Simulator.World;

namespace Sharder.Simulator.Gateway;

/// <summary>Client payloads: validation order and answers of .</summary>
internal sealed partial class GatewayConnection
{
    private static readonly HashSet<int> KnownClientOps = [1, 2, 3, 4, 6, 8, 31, 43];

    private void HandlePayload(ReadOnlySpan<byte> payload)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload.ToArray());
        }
        catch (JsonException)
        {
            _transcript.Add(new TranscriptEntry(_context.Time.GetUtcNow(), true, null, null, null, payload.Length, payload.Length, 1, "invalid JSON"));
            CloseFromServer(4002, "Error while decoding payload", injected: false);
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("op", out var opElement) || !TryInt32(opElement, out var op))
            {
                CloseFromServer(4002, "Error while decoding payload", injected: false);
                return;
            }

            _transcript.Add(new TranscriptEntry(_context.Time.GetUtcNow(), true, op, null, null, payload.Length, payload.Length, 1));
            if (!KnownClientOps.Contains(op))
            {
                CloseFromServer(4001, "Unknown opcode", injected: false);
                return;
            }

            var state = State;
            if (state is ConnectionState.AwaitingAuth or ConnectionState.Invalidated && op is not (1 or 2 or 6))
            {
                CloseFromServer(4003, "Not authenticated", injected: false);
                return;
            }

            root.TryGetProperty("d", out var d);
            switch (op)
            {
                case 1:
                    OnHeartbeat(d);
                    break;
                case 2:
                    OnIdentify(d);
                    break;
                case 6:
                    OnResume(d);
                    break;
                case 8:
                    OnRequestGuildMembers(d, Encoding.UTF8.GetString(payload));
                    break;
                default:
                    if (d.ValueKind != JsonValueKind.Object)
                    {
                        CloseFromServer(4001, "Invalid payload for opcode", injected: false);
                        return;
                    }

                    RecordCommand(op, Encoding.UTF8.GetString(payload));
                    break;
            }
        }
    }

    private void OnHeartbeat(JsonElement d)
    {
        long? seq;
        if (d.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) seq = null;
        else if (d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out var value)) seq = value;
        else
        {
            CloseFromServer(4001, "Invalid payload for opcode", injected: false);
            return;
        }

        LastHeartbeatSeq = seq;
        LastHeartbeatAt = _context.Time.GetUtcNow();
        var highestSent = HighestSentSeq;
        ArmHeartbeatDeadline();
        SendAck();
        // Recorded last, so a test that sees the record knows the ACK (or its delay timer) exists.
        _context.Ledger.Heartbeat(Id, Session?.Id, seq, highestSent);
    }

    private void OnIdentify(JsonElement d)
    {
        var options = _context.Options;
        var app = _context.App;
        if (d.ValueKind != JsonValueKind.Object
            || !d.TryGetProperty("token", out var tokenElement) || tokenElement.ValueKind != JsonValueKind.String
            || !d.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            CloseFromServer(4001, "Invalid payload for opcode", injected: false);
            return;
        }

        // 1. token
        if (!app.Authenticates(tokenElement.GetString()))
        {
            CloseFromServer(options.BadTokenCloseCode, "Authentication failed", injected: false);
            return;
        }

        // 2. already identified on this connection
        if (State is ConnectionState.Identified or ConnectionState.Resumed)
        {
            CloseFromServer(4005, "Already authenticated", injected: false);
            return;
        }

        // Recorded once authenticated (the token is never kept), whatever the outcome below.
        _context.Identifies.Enqueue(new ReceivedIdentify(Id, d.TryGetProperty("shard", out var shardField) ? shardField.GetRawText() : null,
            d.TryGetProperty("intents", out var intentsField) ? intentsField.GetRawText() : null,
            d.TryGetProperty("presence", out var presenceField) ? presenceField.GetRawText() : null, _context.Time.GetUtcNow()));

        // 3. shard
        var shardId = 0;
        var numShards = 1;
        if (d.TryGetProperty("shard", out var shard) && shard.ValueKind != JsonValueKind.Null)
        {
            if (shard.ValueKind != JsonValueKind.Array || shard.GetArrayLength() != 2
                || !TryInt32(shard[0], out shardId) || !TryInt32(shard[1], out numShards))
            {
                CloseFromServer(4010, "Invalid shard", injected: false);
                return;
            }
        }

        _lastShardId = shardId;
        if (shardId < 0 || numShards < 1 || shardId >= numShards
            || (options.RequiredShardMultiple is { } multiple && numShards % multiple != 0))
        {
            CloseFromServer(4010, "Invalid shard", injected: false);
            return;
        }

        // 4. intents
        if (!d.TryGetProperty("intents", out var intentsElement) || !TryInt32(intentsElement, out var intents)
            || intents < 0 || (options.StrictUnknownIntentBits && (intents & ~IntentRules.AllDocumented) != 0))
        {
            CloseFromServer(4013, "Invalid intent(s)", injected: false);
            return;
        }

        if ((intents & IntentRules.Privileged & ~options.EnabledPrivilegedIntents) != 0)
        {
            CloseFromServer(4014, "Disallowed intent(s)", injected: false);
            return;
        }

        // 5. sharding required
        var guilds = _context.World.GuildsForShard(shardId, numShards).ToList();
        if (guilds.Count > options.MaxGuildsPerShard)
        {
            CloseFromServer(4011, "Sharding required", injected: false);
            return;
        }

        // 6. concurrency (and injected or random rejections, I-254)
        var rejected = _context.Faults.TakeRule(FaultKind.RejectIdentify, shardId);
        if (rejected is not null || (options.RandomIdentifyRejection > 0 && _context.NextDouble() < options.RandomIdentifyRejection))
        {
            RejectIdentify(shardId, numShards, "identify rejected (injected)", injected: true);
            return;
        }

        // 7. daily budget
        switch (app.Limiter.TryIdentify(shardId, numShards, out var key, out var gap))
        {
            case IdentifyDecision.ConcurrencyViolation:
                _context.Ledger.IdentifyViolation(app.Id, shardId, key, gap);
                RejectIdentify(shardId, numShards, $"identify concurrency violated on key {key}", injected: false);
                return;
            case IdentifyDecision.BudgetExhausted:
                ResetToken();
                return;
        }

        // 8. success
        if (options.PayloadCompressThresholdBytes > 0 && Compression == TransportCompression.None
            && d.TryGetProperty("compress", out var compress) && compress.ValueKind == JsonValueKind.True)
        {
            // The writer owns the encoder; switching here could dispose it under a frame being encoded.
            PayloadCompression = true;
            _outbound.Writer.TryWrite(new Outbound(OutboundKind.UsePayloadCompression));
        }

        var largeThreshold = d.TryGetProperty("large_threshold", out var lt) && TryInt32(lt, out var ltValue) ? Math.Clamp(ltValue, 50, 250) : 50;
        var withheld = _context.Faults.TakeRule(FaultKind.WithholdReady, shardId);
        var delay = withheld is not null ? withheld.DelayMs : options.ReadyDelayMs;
        var (resumeListener, resumeUrl) = _context.NextResumeListener();
        var session = new SimSession(app, _context.SessionIdFor(shardId, numShards), shardId, numShards, intents, largeThreshold,
            resumeUrl, resumeListener, options.ReplayBufferDepth, options.ResumeWindowMs, _context.Ledger, _context.Time,
            firstSeq: options.ReadySequenceZero ? 0 : 1);
        lock (_stateGate)
        {
            State = ConnectionState.Identified;
            Session = session;
            // A new session on this socket (after op 9) starts its sequence again.
            Interlocked.Exchange(ref _highestSentSeq, 0);
        }

        session.AttachNew(this);
        _context.Ledger.Session(SessionEventKind.Identified, app.Id, shardId, numShards, session.Id, Id, Listener, "READY", false);
        if (delay > 0)
        {
            ITimer? timer = null;
            timer = _context.Time.CreateTimer(_ =>
            {
                timer?.Dispose();
                StartSession(session, guilds);
            }, null, TimeSpan.FromMilliseconds(delay), Timeout.InfiniteTimeSpan);
        }
        else
        {
            StartSession(session, guilds);
        }
    }

    /// <summary>READY (s = 1, or 0 with <see cref="SimulatorOptions.ReadySequenceZero"/>), the GUILD_CREATE burst, then the session joins routing for live events.</summary>
    private void StartSession(SimSession session, List<SimGuild> guilds)
    {
        var factory = _context.Events;
        var ready = factory.ReadyData(session.Id, session.ResumeUrl, session.ShardId, session.NumShards, guilds);
        var pace = _context.Options.GuildCreatesPerSecond;

        // READY takes s = 1 and the session joins routing in the same critical section: an event
        // produced meanwhile waits for the lock and follows READY instead of being lost.
        session.Atomically(() =>
        {
            session.TryDispatch("READY", _context.Uids.Next(), null, ready, _context.Time.GetUtcNow());
            if (pace <= 0)
            {
                foreach (var guild in guilds) DispatchGuildCreate(session, guild);
            }

            _context.App.AddSession(session);
        });

        if (pace > 0)
        {
            var queue = new Queue<SimGuild>(guilds);
            ITimer? timer = null;
            timer = _context.Time.CreateTimer(_ =>
            {
                for (var i = 0; i < pace && queue.TryDequeue(out var guild); i++) DispatchGuildCreate(session, guild);
                if (queue.Count == 0) timer?.Dispose();
            }, null, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        }

        foreach (var spec in _context.Faults.TakeDeferred(session.ShardId)) Inject(spec);
        _context.Changed.Pulse();
    }

    private void DispatchGuildCreate(SimSession session, SimGuild guild)
    {
        var ev = _context.Events.GuildCreate(guild, session.Intents, session.LargeThreshold);
        session.TryDispatch(ev.Type, ev.Uid, guild.Id, ev.Data, ev.ProducedAt);
    }

    private void RejectIdentify(int shardId, int numShards, string reason, bool injected)
    {
        _context.Ledger.Session(SessionEventKind.IdentifyRejected, _context.App.Id, shardId, numShards, null, Id, Listener, reason, injected);
        SendInvalidSession(resumable: false, reason, injected);
    }

    /// <summary>R-6.2: exceeding the daily budget resets the token and ends every session of the app.</summary>
    private void ResetToken()
    {
        var app = _context.App;
        app.Revoke();
        _context.Ledger.Session(SessionEventKind.TokenRevoked, app.Id, _lastShardId, 0, null, Id, Listener, "daily identify budget exceeded", false);
        foreach (var connection in _context.Connections.Values)
        {
            if (connection != this) connection.CloseFromServer(_context.Options.TokenResetCloseCode, "Authentication failed", injected: false);
        }

        foreach (var session in app.Sessions())
        {
            if (session.Invalidate("token reset")) app.Forget(session, "token reset");
        }

        CloseFromServer(4004, "Authentication failed", injected: false);
    }

    private void OnResume(JsonElement d)
    {
        var app = _context.App;
        if (d.ValueKind != JsonValueKind.Object
            || !d.TryGetProperty("token", out var tokenElement) || tokenElement.ValueKind != JsonValueKind.String
            || !d.TryGetProperty("session_id", out var sessionElement) || sessionElement.ValueKind != JsonValueKind.String
            || !d.TryGetProperty("seq", out var seqElement) || !(seqElement.ValueKind == JsonValueKind.Null || TryInt64(seqElement, out _)))
        {
            CloseFromServer(4001, "Invalid payload for opcode", injected: false);
            return;
        }

        if (State is ConnectionState.Identified or ConnectionState.Resumed)
        {
            CloseFromServer(4005, "Already authenticated", injected: false);
            return;
        }

        var seq = seqElement.ValueKind == JsonValueKind.Null ? 0 : seqElement.GetInt64();
        var session = app.FindSession(sessionElement.GetString());
        var shardId = session?.ShardId ?? -1;
        _lastShardId = shardId;

        if (_context.Faults.TakeRule(FaultKind.InvalidSeqOnResume, shardId) is not null)
        {
            lock (_stateGate) Session = session;
            CloseFromServer(4007, "Invalid seq", injected: true);
            return;
        }

        if (_context.Faults.TakeRule(FaultKind.InvalidSessionOnResume, shardId) is not null)
        {
            InvalidateForResume(session, "resume rejected (injected)", injected: true);
            return;
        }

        if (!app.Authenticates(tokenElement.GetString()))
        {
            CloseFromServer(_context.Options.BadTokenCloseCode, "Authentication failed", injected: false);
            return;
        }

        if (session is null || !session.IsLive())
        {
            InvalidateForResume(session, session is null ? "unknown session" : "session " + (session.InvalidReason ?? "invalid"), injected: false);
            return;
        }

        if (_context.Options.StrictResumeUrl && Listener == _context.BootstrapListener)
        {
            // Op 9 false tells the client the session is gone, so it must be gone here too.
            InvalidateForResume(session, "resume on the bootstrap URL (strict)", injected: false);
            return;
        }

        var outcome = session.Resume(this, seq, _context.Events.ResumedData(), _context.Uids.Next);
        switch (outcome.Result)
        {
            case ResumeResult.SeqAhead:
                lock (_stateGate) Session = session;
                CloseFromServer(4007, "Invalid seq", injected: false);
                return;
            case ResumeResult.TooOld:
                if (_context.Options.ReplayTooOldCloses4007)
                {
                    lock (_stateGate) Session = session;
                    CloseFromServer(4007, "Invalid seq", injected: false);
                }
                else
                {
                    InvalidateForResume(session, "seq older than the replay buffer", injected: false);
                }

                return;
            case ResumeResult.SessionInvalid:
                InvalidateForResume(session, "session invalid", injected: false);
                return;
        }

        lock (_stateGate)
        {
            State = ConnectionState.Resumed;
            Session = session;
            InterlockedMax(ref _highestSentSeq, seq);
        }

        if (outcome.Previous is { } previous)
        {
            // F16: the session may have one socket only; the old one is closed.
            if (_context.Options.DoubleAttachAction == DoubleAttachAction.Close4006) previous.CloseFromServer(4006, "Session resumed elsewhere", injected: false);
            else previous.AbortFromServer(OutboundKind.Fin, injected: false);
        }

        _context.Ledger.Session(SessionEventKind.Resumed, app.Id, session.ShardId, session.NumShards, session.Id, Id, Listener, $"replayed {outcome.Replayed}", false);
        foreach (var spec in _context.Faults.TakeDeferred(session.ShardId)) Inject(spec);
        _context.Changed.Pulse();
    }

    private void InvalidateForResume(SimSession? session, string reason, bool injected)
    {
        var app = _context.App;
        _context.Ledger.Session(SessionEventKind.ResumeRejected, app.Id, session?.ShardId ?? -1, session?.NumShards ?? 0, session?.Id, Id, Listener, reason, injected);
        if (session is not null && session.Invalidate(reason))
        {
            _context.Ledger.Session(SessionEventKind.Invalidated, app.Id, session.ShardId, session.NumShards, session.Id, Id, Listener, reason, injected);
            app.Forget(session, reason);
        }

        SendInvalidSession(resumable: false, reason, injected);
    }

    private void OnRequestGuildMembers(JsonElement d, string json)
    {
        if (d.ValueKind != JsonValueKind.Object || !d.TryGetProperty("guild_id", out var guildElement)
            || !(guildElement.ValueKind == JsonValueKind.String ? ulong.TryParse(guildElement.GetString(), out var guildId) : TryUInt64(guildElement, out guildId)))
        {
            CloseFromServer(4001, "Invalid payload for opcode", injected: false);
            return;
        }

        RecordCommand(8, json);
        var session = Session;
        if (session is null) return;
        var nonce = d.TryGetProperty("nonce", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        var query = d.TryGetProperty("query", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString() : null;
        var limit = d.TryGetProperty("limit", out var l) && TryInt32(l, out var lv) ? lv : 0;
        var now = _context.Time.GetUtcNow();
        if (query == "" && limit == 0
            && !_context.App.TryStartAllMembersRequest(guildId, now, TimeSpan.FromMilliseconds(_context.Options.RequestAllMembersCooldownMs), out var retryAfter))
        {
            var limited = _context.Events.RateLimited(8, retryAfter.TotalSeconds, guildId, nonce);
            session.TryDispatch(limited.Type, limited.Uid, guildId, limited.Data, limited.ProducedAt);
            return;
        }

        foreach (var chunk in _context.Events.GuildMembersChunks(guildId, nonce, limit, query, session.Intents))
        {
            session.TryDispatch(chunk.Type, chunk.Uid, guildId, chunk.Data, chunk.ProducedAt);
        }
    }

    // JsonElement.TryGet* throw on a non-number; a client's bad field must get a close code, not end the connection.
    private static bool TryInt32(JsonElement element, out int value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out value);
    }

    private static bool TryInt64(JsonElement element, out long value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value);
    }

    private static bool TryUInt64(JsonElement element, out ulong value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetUInt64(out value);
    }

    private void RecordCommand(int op, string json)
    {
        _context.Commands.Enqueue(new ReceivedCommand(Id, ShardId, Session?.Id, op, json, _context.Time.GetUtcNow()));
        _context.Changed.Pulse();
    }
}
