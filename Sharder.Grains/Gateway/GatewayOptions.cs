using System.Diagnostics.CodeAnalysis;
using Sharder.Grains.Gateway.Compression;

namespace Sharder.Grains.Gateway;

/// <summary>
/// Settings for every shard's gateway connection. Checked at startup by
/// <see cref="GatewayOptionsValidator"/>; the bot token is configured elsewhere and never appears here.
/// </summary>
[SuppressMessage(
    "Naming",
    "CA1707:Identifiers should not contain underscores",
    Justification = "DEFAULT_* constants follow the Orleans options convention (style guide, example 16).")]
public sealed class GatewayOptions
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string SectionName = "Gateway";

    /// <summary>Default for <see cref="BootstrapUrl"/>: Discord's gateway, without a trailing slash.</summary>
    public const string DEFAULT_BOOTSTRAP_URL = "wss://gateway.discord.gg";

    /// <summary>Default for <see cref="Compression"/>.</summary>
    public const GatewayCompression DEFAULT_COMPRESSION = GatewayCompression.ZlibStream;

    /// <summary>Default for <see cref="Intents"/>: GUILDS (1 &lt;&lt; 0) only.</summary>
    public const ulong DEFAULT_INTENTS = 1;

    /// <summary>Default for <see cref="LargeThreshold"/> (Discord's own default).</summary>
    public const int DEFAULT_LARGE_THRESHOLD = 50;

    /// <summary>Default for <see cref="MaxDecompressedMessageBytes"/>: 64 MiB.</summary>
    public const int DEFAULT_MAX_DECOMPRESSED_MESSAGE_BYTES = 64 * 1024 * 1024;

    /// <summary>Default for <see cref="CommandsPerMinute"/> (Discord's documented limit).</summary>
    public const int DEFAULT_COMMANDS_PER_MINUTE = 120;

    /// <summary>Default for <see cref="MaxCommandBytes"/> (Discord closes with 4002 above it).</summary>
    public const int DEFAULT_MAX_COMMAND_BYTES = 4096;

    /// <summary>Default for <see cref="SinkBufferLimit"/>.</summary>
    public const int DEFAULT_SINK_BUFFER_LIMIT = 4096;

    /// <summary>Default for <see cref="SinkBufferBytes"/>: 64 MiB.</summary>
    public const long DEFAULT_SINK_BUFFER_BYTES = 64L * 1024 * 1024;

    /// <summary>Default for <see cref="UserAgent"/>, in the <c>DiscordBot ($url, $version)</c> form Discord asks for.</summary>
    public const string DEFAULT_USER_AGENT = "DiscordBot (https://github.com/sharder, 1.0) Sharder";

    /// <summary>Default for <see cref="HandshakeTimeout"/>.</summary>
    public static readonly TimeSpan DEFAULT_HANDSHAKE_TIMEOUT = TimeSpan.FromSeconds(10);

    /// <summary>Default for <see cref="HelloTimeout"/>.</summary>
    public static readonly TimeSpan DEFAULT_HELLO_TIMEOUT = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Default for <see cref="IdentifyConnectLead"/>: 2 s. Opening a socket to Discord is a TCP handshake, a
    /// TLS handshake and the WebSocket upgrade (three round trips, well under 1 s on any sane path), then
    /// Hello comes at once; 2 s covers that twice over plus a thread pool or GC hiccup, while a silo of
    /// 1,000 shards with max_concurrency 16 still holds at most one bucket of early sockets per key.
    /// </summary>
    public static readonly TimeSpan DEFAULT_IDENTIFY_CONNECT_LEAD = TimeSpan.FromSeconds(2);

    /// <summary>Default for <see cref="ReconnectBaseDelay"/>.</summary>
    public static readonly TimeSpan DEFAULT_RECONNECT_BASE_DELAY = TimeSpan.FromSeconds(1);

    /// <summary>Default for <see cref="ReconnectMaxDelay"/>.</summary>
    public static readonly TimeSpan DEFAULT_RECONNECT_MAX_DELAY = TimeSpan.FromSeconds(60);

    /// <summary>Default for <see cref="SinkStallTimeout"/>.</summary>
    public static readonly TimeSpan DEFAULT_SINK_STALL_TIMEOUT = TimeSpan.FromSeconds(30);

    /// <summary>Default for <see cref="SessionResumeWindow"/>.</summary>
    public static readonly TimeSpan DEFAULT_SESSION_RESUME_WINDOW = TimeSpan.FromMinutes(5);

    /// <summary>Default for <see cref="MinHeartbeatInterval"/>.</summary>
    public static readonly TimeSpan DEFAULT_MIN_HEARTBEAT_INTERVAL = TimeSpan.FromSeconds(1);

    /// <summary>Default for <see cref="MaxHeartbeatInterval"/>.</summary>
    public static readonly TimeSpan DEFAULT_MAX_HEARTBEAT_INTERVAL = TimeSpan.FromMinutes(5);

    /// <summary>Default for <see cref="IdentifyFailureBackoffBase"/>.</summary>
    public static readonly TimeSpan DEFAULT_IDENTIFY_FAILURE_BACKOFF_BASE = TimeSpan.FromSeconds(5);

    /// <summary>Default for <see cref="IdentifyFailureBackoffMax"/>.</summary>
    public static readonly TimeSpan DEFAULT_IDENTIFY_FAILURE_BACKOFF_MAX = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gateway URL used to Identify (resumes use the session's <c>resume_gateway_url</c>). Absolute
    /// <c>ws://</c> or <c>wss://</c> URL without a query string; the client appends <c>v</c>,
    /// <c>encoding</c> and <c>compress</c>. Point it at the simulator in tests.
    /// </summary>
    public Uri BootstrapUrl { get; set; } = new(DEFAULT_BOOTSTRAP_URL);

    /// <summary>
    /// Transport compression to request. Default <see cref="GatewayCompression.ZlibStream"/> (the mode
    /// every Discord library supports); <see cref="GatewayCompression.ZstdStream"/> and
    /// <see cref="GatewayCompression.None"/> are also accepted.
    /// </summary>
    public GatewayCompression Compression { get; set; } = DEFAULT_COMPRESSION;

    /// <summary>
    /// Gateway intents bitfield sent in Identify. Privileged intents must be enabled for the application. In
    /// configuration it may also be written as names (<c>GUILDS,GUILD_MESSAGES</c>; see <see cref="GatewayIntentNames"/>).
    /// </summary>
    public ulong Intents { get; set; } = DEFAULT_INTENTS;

    /// <summary>The presence sent in Identify (<c>Gateway:Presence:*</c>); none by default.</summary>
    public GatewayPresenceOptions Presence { get; set; } = new();

    /// <summary>Member count (50–250) above which a guild's offline members are not sent in GUILD_CREATE.</summary>
    public int LargeThreshold { get; set; } = DEFAULT_LARGE_THRESHOLD;

    /// <summary>
    /// Largest gateway message accepted after decompression. A larger one closes the connection and the
    /// shard resumes; it protects the silo from a runaway or hostile stream.
    /// </summary>
    public int MaxDecompressedMessageBytes { get; set; } = DEFAULT_MAX_DECOMPRESSED_MESSAGE_BYTES;

    /// <summary>How long opening the WebSocket (TCP, TLS, upgrade) may take.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = DEFAULT_HANDSHAKE_TIMEOUT;

    /// <summary>How long to wait for Hello (op 10) after the WebSocket opened.</summary>
    public TimeSpan HelloTimeout { get; set; } = DEFAULT_HELLO_TIMEOUT;

    /// <summary>
    /// How long before its identify slot a shard that must identify opens its socket. The shard takes its
    /// slot first and connects within this lead of it, so a silo does not hold a socket per waiting shard;
    /// Identify still goes out at the slot. A resume connects at once. It must cover connect, TLS and Hello:
    /// a socket that is not ready by the end of the slot's grace misses the slot (handed back, not charged).
    /// </summary>
    public TimeSpan IdentifyConnectLead { get; set; } = DEFAULT_IDENTIFY_CONNECT_LEAD;

    /// <summary>First reconnect delay; each failed attempt doubles it up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectBaseDelay { get; set; } = DEFAULT_RECONNECT_BASE_DELAY;

    /// <summary>Upper bound for the exponential reconnect delay.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = DEFAULT_RECONNECT_MAX_DELAY;

    /// <summary>
    /// Payloads per connection per 60 s, heartbeats included (Discord allows 120 and closes with 4008
    /// above it). Heartbeat slots are reserved out of this number.
    /// </summary>
    public int CommandsPerMinute { get; set; } = DEFAULT_COMMANDS_PER_MINUTE;

    /// <summary>Largest command payload the client will send (Discord closes with 4002 above 4096 bytes).</summary>
    public int MaxCommandBytes { get; set; } = DEFAULT_MAX_COMMAND_BYTES;

    /// <summary>
    /// Dispatches buffered between a connection's read loop and the event sink. When the buffer is full
    /// the read loop stops reading (back-pressure) until the sink catches up.
    /// </summary>
    public int SinkBufferLimit { get; set; } = DEFAULT_SINK_BUFFER_LIMIT;

    /// <summary>
    /// How long the read loop waits for room in a full sink buffer before it closes the connection,
    /// keeping the session, so the shard resumes once the sink has recovered.
    /// </summary>
    public TimeSpan SinkStallTimeout { get; set; } = DEFAULT_SINK_STALL_TIMEOUT;

    /// <summary>
    /// How long a session is worth resuming after its last live connection ended. Discord keeps a
    /// disconnected session for "a few minutes" (the exact time is undocumented); past this window the
    /// shard identifies a new session instead of sending a Resume that would be refused. Err on the long
    /// side: a refused Resume costs one round trip, a needless Identify loses the events Discord would
    /// have replayed.
    /// </summary>
    public TimeSpan SessionResumeWindow { get; set; } = DEFAULT_SESSION_RESUME_WINDOW;

    /// <summary>User-Agent header sent with the WebSocket handshake.</summary>
    public string UserAgent { get; set; } = DEFAULT_USER_AGENT;

    /// <summary>
    /// Bytes of dispatch payloads buffered between a connection's read loop and the event sink. Reading
    /// pauses when this or <see cref="SinkBufferLimit"/> is reached, whichever comes first (one event
    /// larger than the whole budget is still taken, alone).
    /// </summary>
    public long SinkBufferBytes { get; set; } = DEFAULT_SINK_BUFFER_BYTES;

    /// <summary>
    /// Hosts, besides Discord's gateway (<c>wss://gateway.discord.gg</c> and its zonal <c>gateway-*.discord.gg</c>)
    /// and the bootstrap URL's host, that a session's resume URL may point at: a host name or IP, or
    /// <c>*.domain</c> for its subdomains. The token is sent to a resume URL, so any other host is ignored
    /// and the shard resumes through the bootstrap URL. Empty by default.
    /// </summary>
    public IList<string> AllowedResumeHosts { get; set; } = new List<string>();

    /// <summary>
    /// Shortest Hello <c>heartbeat_interval</c> accepted. A gateway that asks for less gets a 4000 close and
    /// a resume (Discord asks for about 41 s).
    /// </summary>
    public TimeSpan MinHeartbeatInterval { get; set; } = DEFAULT_MIN_HEARTBEAT_INTERVAL;

    /// <summary>Longest Hello <c>heartbeat_interval</c> accepted; above it, 4000 and resume.</summary>
    public TimeSpan MaxHeartbeatInterval { get; set; } = DEFAULT_MAX_HEARTBEAT_INTERVAL;

    /// <summary>
    /// First wait once Identifies keep ending without READY (after three in a row); it doubles per further
    /// failure up to <see cref="IdentifyFailureBackoffMax"/>, so a misbehaving gateway cannot drain the daily budget.
    /// </summary>
    public TimeSpan IdentifyFailureBackoffBase { get; set; } = DEFAULT_IDENTIFY_FAILURE_BACKOFF_BASE;

    /// <summary>Longest wait between two Identifies that keep ending without READY.</summary>
    public TimeSpan IdentifyFailureBackoffMax { get; set; } = DEFAULT_IDENTIFY_FAILURE_BACKOFF_MAX;

    /// <summary>A copy that connects to <paramref name="bootstrapUrl"/> (the URL <c>/gateway/bot</c> returned).</summary>
    internal GatewayOptions WithBootstrapUrl(Uri bootstrapUrl) => new()
    {
        BootstrapUrl = bootstrapUrl,
        Compression = Compression,
        Intents = Intents,
        Presence = Presence.Clone(),
        LargeThreshold = LargeThreshold,
        MaxDecompressedMessageBytes = MaxDecompressedMessageBytes,
        HandshakeTimeout = HandshakeTimeout,
        HelloTimeout = HelloTimeout,
        IdentifyConnectLead = IdentifyConnectLead,
        ReconnectBaseDelay = ReconnectBaseDelay,
        ReconnectMaxDelay = ReconnectMaxDelay,
        CommandsPerMinute = CommandsPerMinute,
        MaxCommandBytes = MaxCommandBytes,
        SinkBufferLimit = SinkBufferLimit,
        SinkStallTimeout = SinkStallTimeout,
        SessionResumeWindow = SessionResumeWindow,
        UserAgent = UserAgent,
        SinkBufferBytes = SinkBufferBytes,
        AllowedResumeHosts = new List<string>(AllowedResumeHosts),
        MinHeartbeatInterval = MinHeartbeatInterval,
        MaxHeartbeatInterval = MaxHeartbeatInterval,
        IdentifyFailureBackoffBase = IdentifyFailureBackoffBase,
        IdentifyFailureBackoffMax = IdentifyFailureBackoffMax,
    };
}
