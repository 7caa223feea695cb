using Sharder.Simulator.World;

namespace Sharder.Simulator;

/// <summary>
/// Every knob of the simulator. Defaults are Discord's real values (gateway-simulator.md );
/// [UNDOC] behaviours are knobs whose default is stated on the property.
/// </summary>
public sealed class SimulatorOptions
{
    /// <summary>Bootstrap listener port (REST, control API and the bootstrap gateway). 0 = ephemeral.</summary>
    public int Port { get; set; }

    /// <summary>
    /// Host name put in the URLs the simulator hands out (REST, gateway, resume). Null (the default): listen on
    /// loopback only and hand out <c>127.0.0.1</c>. Set (e.g. a compose service name): listen on every interface,
    /// so other containers reach it by that name.
    /// </summary>
    public string? PublicHost { get; set; }

    /// <summary>Number of resume listeners ("zones"). Each session gets one of them as <c>resume_gateway_url</c>.</summary>
    public int ResumeListeners { get; set; } = 1;

    /// <summary>The bot token the default app accepts.</summary>
    public string Token { get; set; } = "sim-token.MTIzNDU2Nzg5MDEyMzQ1Njc4.secret";

    /// <summary>Seed for every non-deterministic choice (session ids, content, fault jitter).</summary>
    public int Seed { get; set; } = 1;

    public WorldOptions World { get; set; } = new();

    // ---- timing (R-0.4) ----
    public int HeartbeatIntervalMs { get; set; } = 41_250;
    /// <summary>[UNDOC] The server gives up after interval × this factor without a heartbeat.</summary>
    public double HeartbeatToleranceFactor { get; set; } = 1.5;
    public int IdentifyWindowMs { get; set; } = 5_000;
    public int MaxConcurrency { get; set; } = 1;
    public int DailyIdentifyTotal { get; set; } = 1_000;
    public long DailyIdentifyWindowMs { get; set; } = 86_400_000;
    public int CommandLimit { get; set; } = 120;
    public int CommandWindowMs { get; set; } = 60_000;
    /// <summary>[UNDOC] How long a detached session stays resumable ("a few minutes").</summary>
    public int ResumeWindowMs { get; set; } = 180_000;
    /// <summary>[UNDOC] Dispatches kept per session for replay.</summary>
    public int ReplayBufferDepth { get; set; } = 50_000;
    /// <summary>[UNDOC] Delay between op 7 and the server closing the socket.</summary>
    public int ReconnectGraceMs { get; set; } = 5_000;
    public int MaxGuildsPerShard { get; set; } = 2_500;
    public int GuildsPerShardRecommendation { get; set; } = 1_000;
    public int? RequiredShardMultiple { get; set; }
    public int MaxClientPayloadBytes { get; set; } = 4_096;
    public int RequestAllMembersCooldownMs { get; set; } = 30_000;
    /// <summary>READY latency after an accepted Identify.</summary>
    public int ReadyDelayMs { get; set; }

    // ---- behaviour knobs ----
    /// <summary>Add a trailing slash to the <c>url</c> of /gateway(/bot), to test clients that then produce <c>//?v=</c>.</summary>
    public bool TrailingSlashInUrl { get; set; }
    /// <summary>When on, a Resume on the bootstrap listener gets op 9 false .</summary>
    public bool StrictResumeUrl { get; set; }
    /// <summary>[UNDOC] What the server does when heartbeats stop. Default close 4009.</summary>
    public MissedHeartbeatAction MissedHeartbeatAction { get; set; } = MissedHeartbeatAction.Close4009;
    /// <summary>[UNDOC] What happens to the old socket when its session is resumed elsewhere .</summary>
    public DoubleAttachAction DoubleAttachAction { get; set; } = DoubleAttachAction.Close4006;
    /// <summary>[UNDOC] Answer to a Resume whose seq is older than the replay buffer: op 9 false (default) or close 4007.</summary>
    public bool ReplayTooOldCloses4007 { get; set; }
    /// <summary>[UNDOC] Close code a token reset sends to every live connection of the app.</summary>
    public int TokenResetCloseCode { get; set; } = 4004;
    /// <summary>[UNDOC] Close the socket this long after op 9; null = keep it open.</summary>
    public int? InvalidSessionCloseDelayMs { get; set; }
    /// <summary>[UNDOC] Reject intents with bits outside the documented set (4013).</summary>
    public bool StrictUnknownIntentBits { get; set; } = true;
    /// <summary>Privileged intents the app has enabled in the developer portal (default: all three).</summary>
    public int EnabledPrivilegedIntents { get; set; } = IntentRules.Privileged;
    /// <summary>Accept gateway <c>v=9</c> as well as 10.</summary>
    public bool AcceptApiV9 { get; set; } = true;
    /// <summary>[UNDOC] Close 4002 when <c>encoding=etf</c> is requested (ETF is out of scope).</summary>
    public bool RejectEtf { get; set; } = true;
    /// <summary>Payload compression threshold .</summary>
    public int PayloadCompressThresholdBytes { get; set; } = 1_024;
    /// <summary>Probability that an otherwise valid Identify is answered with op 9 ("internal error", I-254).</summary>
    public double RandomIdentifyRejection { get; set; }
    /// <summary>GUILD_CREATE burst pacing after READY: 0 = all at once, else guilds per second.</summary>
    public int GuildCreatesPerSecond { get; set; }
    /// <summary>Keep a frame transcript per connection; entries kept per connection.</summary>
    public int TranscriptDepth { get; set; } = 2_000;
    /// <summary>Largest inbound WS message read before it is rejected as oversize (bytes measured before parsing).</summary>
    public int InboundReadLimitBytes { get; set; } = 1 << 20;

    // ---- deviations from Discord (independent gateway implementations; issue 8) ----
    /// <summary>Deviation: number READY <c>s:0</c> and the session's following dispatches from 1 (Discord starts at 1).</summary>
    public bool ReadySequenceZero { get; set; }
    /// <summary>Deviation: every Identify of a shard gets the same <c>session_id</c> (Discord's are new each time).</summary>
    public bool ReuseSessionIds { get; set; }
    /// <summary>Deviation: the close code for a bad token on Identify or Resume (Discord: 4004, fatal; 4000 looks resumable).</summary>
    public int BadTokenCloseCode { get; set; } = 4004;

    /// <summary>Checks the options; throws with every problem named.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        void Positive(string name, double value)
        {
            if (value <= 0) errors.Add($"SimulatorOptions.{name} must be > 0 (was {value}).");
        }
        Positive(nameof(HeartbeatIntervalMs), HeartbeatIntervalMs);
        Positive(nameof(HeartbeatToleranceFactor), HeartbeatToleranceFactor);
        Positive(nameof(IdentifyWindowMs), IdentifyWindowMs);
        Positive(nameof(MaxConcurrency), MaxConcurrency);
        Positive(nameof(DailyIdentifyTotal), DailyIdentifyTotal);
        Positive(nameof(DailyIdentifyWindowMs), DailyIdentifyWindowMs);
        Positive(nameof(CommandLimit), CommandLimit);
        Positive(nameof(CommandWindowMs), CommandWindowMs);
        Positive(nameof(ResumeWindowMs), ResumeWindowMs);
        Positive(nameof(ReplayBufferDepth), ReplayBufferDepth);
        Positive(nameof(MaxGuildsPerShard), MaxGuildsPerShard);
        Positive(nameof(MaxClientPayloadBytes), MaxClientPayloadBytes);
        Positive(nameof(ResumeListeners), ResumeListeners);
        if (Port is < 0 or > 65535) errors.Add($"SimulatorOptions.Port must be 0..65535 (was {Port}).");
        if (PublicHost is { } host && Uri.CheckHostName(host) == UriHostNameType.Unknown) errors.Add($"SimulatorOptions.PublicHost must be a host name or IP address (was '{host}').");
        if (string.IsNullOrWhiteSpace(Token)) errors.Add("SimulatorOptions.Token must not be empty.");
        if (RequiredShardMultiple is <= 0) errors.Add("SimulatorOptions.RequiredShardMultiple must be > 0 when set.");
        if (BadTokenCloseCode is < 1000 or > 4999) errors.Add($"SimulatorOptions.BadTokenCloseCode must be a close code within 1000..4999 (was {BadTokenCloseCode}).");
        if (RandomIdentifyRejection is < 0 or > 1) errors.Add("SimulatorOptions.RandomIdentifyRejection must be within 0..1.");
        if (errors.Count > 0) throw new ArgumentException(string.Join(Environment.NewLine, errors));
    }
}
