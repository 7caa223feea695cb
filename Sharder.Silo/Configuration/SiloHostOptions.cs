using System.Diagnostics.CodeAnalysis;

namespace Sharder.Silo.Configuration;

/// <summary>
/// Where this silo listens and which cluster it joins. Read from the section <c>Cluster</c>, with the
/// environment overrides <c>SHARDER_SILO_PORT</c>, <c>SHARDER_GATEWAY_PORT</c>, <c>SHARDER_HTTP_PORT</c> and
/// sharder-binary's <c>REDIS_ADDR</c> (see <see cref="ConfigureSiloHostOptions"/>); checked at startup by
/// <see cref="SiloHostOptionsValidator"/>.
/// </summary>
[SuppressMessage(
    "Naming",
    "CA1707:Identifiers should not contain underscores",
    Justification = "DEFAULT_* constants follow the Orleans options convention; the others spell environment variables.")]
internal sealed class SiloHostOptions
{
    public const string SectionName = "Cluster";

    public const string SHARDER_SILO_PORT = nameof(SHARDER_SILO_PORT);
    public const string SHARDER_GATEWAY_PORT = nameof(SHARDER_GATEWAY_PORT);
    public const string SHARDER_HTTP_PORT = nameof(SHARDER_HTTP_PORT);
    public const string SHARDER_HTTP_ADDRESS = nameof(SHARDER_HTTP_ADDRESS);
    public const string SHARDER_HTTP_TOKEN = nameof(SHARDER_HTTP_TOKEN);
    public const string SHARDER_ADMIN_TOKEN = nameof(SHARDER_ADMIN_TOKEN);
    public const string REDIS_ADDR = nameof(REDIS_ADDR);

    /// <summary>The key read when <see cref="REDIS_ADDR"/> is not set.</summary>
    public const string RedisAddressKey = "Redis:Address";

    public const string DEFAULT_CLUSTER_ID = "sharder";
    public const string DEFAULT_SERVICE_ID = "sharder";
    public const int DEFAULT_SILO_PORT = 11111;
    public const int DEFAULT_GATEWAY_PORT = 0;
    public const int DEFAULT_HTTP_PORT = 8080;
    public const string DEFAULT_HTTP_ADDRESS = "127.0.0.1";
    public const string DEFAULT_REDIS_ADDRESS = "127.0.0.1:6379";

    public static readonly TimeSpan DEFAULT_SHUTDOWN_TIMEOUT = TimeSpan.FromSeconds(30);

    /// <summary>The key of <see cref="DashboardInterval"/> (not in the <c>Cluster</c> section).</summary>
    public const string DashboardIntervalKey = "Telemetry:DashboardInterval";

    public static readonly TimeSpan DEFAULT_DASHBOARD_INTERVAL = TimeSpan.FromSeconds(10);

    /// <summary>Orleans cluster id: silos with the same id and <see cref="ServiceId"/> form one cluster.</summary>
    public string ClusterId { get; set; } = DEFAULT_CLUSTER_ID;

    /// <summary>Orleans service id; it also names the Redis keys of the membership table.</summary>
    public string ServiceId { get; set; } = DEFAULT_SERVICE_ID;

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = DEFAULT_SILO_PORT;

    /// <summary>
    /// Orleans client gateway port; 0 (the default) turns the gateway off. Sharder itself never uses it: a
    /// client that reaches it can call any grain method (move shards, send gateway commands).
    /// </summary>
    public int GatewayPort { get; set; } = DEFAULT_GATEWAY_PORT;

    /// <summary>HTTP port for <c>/healthz</c>, <c>/readyz</c>, <c>/status</c> and the dashboard.</summary>
    public int HttpPort { get; set; } = DEFAULT_HTTP_PORT;

    /// <summary>
    /// The IP address the HTTP port listens on: loopback by default, so only this machine reaches it;
    /// <c>0.0.0.0</c> (the container images set it) for every interface.
    /// </summary>
    public string HttpAddress { get; set; } = DEFAULT_HTTP_ADDRESS;

    /// <summary>
    /// Bearer token every HTTP route except <c>/healthz</c> and <c>/readyz</c> requires; null leaves them open.
    /// From <c>SHARDER_HTTP_TOKEN</c> or the file named by <c>SHARDER_HTTP_TOKEN_FILE</c>. Never log it.
    /// </summary>
    public string? HttpToken { get; set; }

    /// <summary>
    /// Bearer token the <c>/admin/</c> routes (move a shard, drain a silo, re-ensure shards) require, instead of
    /// <see cref="HttpToken"/>; null turns them off (404). From <c>SHARDER_ADMIN_TOKEN</c> or the file named by
    /// <c>SHARDER_ADMIN_TOKEN_FILE</c>. Never log it.
    /// </summary>
    public string? AdminToken { get; set; }

    /// <summary>
    /// The IP address other silos use to reach this one. Null picks the first IPv4 address of the host name
    /// (the container address under Docker), or loopback when there is none.
    /// </summary>
    public string? AdvertisedIp { get; set; }

    /// <summary>How long a graceful stop (SIGTERM, Ctrl-C) may take before the host gives up.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = DEFAULT_SHUTDOWN_TIMEOUT;

    /// <summary>
    /// Redis for membership, as sharder-binary's <c>host:port</c>; StackExchange.Redis options may follow
    /// after commas. May hold a password: never log it whole.
    /// </summary>
    public string RedisAddress { get; set; } = DEFAULT_REDIS_ADDRESS;

    /// <summary>
    /// CA certificate (PEM or DER) trusted for Redis's TLS certificate besides the system store, for a server whose
    /// certificate a private CA issued; from <c>Redis:TlsCaFile</c> or <c>REDIS_TLS_CA_FILE</c>. Null: system store only.
    /// </summary>
    public string? RedisTlsCaFile { get; set; }

    /// <summary>
    /// How often the Orleans Dashboard samples Orleans' metrics and the silo's runtime statistics (its own default is
    /// every second, a fixed CPU cost whether or not anybody looks; see <c>DashboardSampling</c>). <c>/metrics</c> is
    /// not affected: it reads the meters when scraped.
    /// </summary>
    public TimeSpan DashboardInterval { get; set; } = DEFAULT_DASHBOARD_INTERVAL;

    /// <summary>Settings that did not parse, each naming its key; reported by <see cref="SiloHostOptionsValidator"/>.</summary>
    internal List<string> ReadFailures { get; } = [];
}
