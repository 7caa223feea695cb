using System.Net;
using Microsoft.Extensions.Options;
using Sharder.Grains.Hosting;
using StackExchange.Redis;

namespace Sharder.Silo.Configuration;

/// <summary>
/// Checks <see cref="SiloHostOptions"/> and the <c>.env</c> file it may have come from, reporting every problem
/// at once; each message names the setting and says how to fix it. The Redis address is never echoed (it may
/// carry a password).
/// </summary>
internal sealed class SiloHostOptionsValidator(DotEnvDocument dotEnv) : IValidateOptions<SiloHostOptions>
{
    internal static readonly TimeSpan MaxShutdownTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The Orleans Dashboard samples at most once a second; ten minutes leaves its charts nothing to show.</summary>
    internal static readonly TimeSpan MinDashboardInterval = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan MaxDashboardInterval = TimeSpan.FromMinutes(10);

    /// <summary>Shortest HTTP token accepted: a guessable token protects nothing.</summary>
    internal const int MinHttpTokenLength = 16;

    private const string Section = SiloHostOptions.SectionName;
    private const string SiloPort = $"{Section}:{nameof(SiloHostOptions.SiloPort)} ({SiloHostOptions.SHARDER_SILO_PORT})";
    private const string GatewayPort = $"{Section}:{nameof(SiloHostOptions.GatewayPort)} ({SiloHostOptions.SHARDER_GATEWAY_PORT})";
    private const string HttpPort = $"{Section}:{nameof(SiloHostOptions.HttpPort)} ({SiloHostOptions.SHARDER_HTTP_PORT})";
    private const string HttpAddress = $"{Section}:{nameof(SiloHostOptions.HttpAddress)} ({SiloHostOptions.SHARDER_HTTP_ADDRESS})";
    private const string HttpToken = $"{Section}:{nameof(SiloHostOptions.HttpToken)} ({SiloHostOptions.SHARDER_HTTP_TOKEN})";
    private const string AdminToken = $"{Section}:{nameof(SiloHostOptions.AdminToken)} ({SiloHostOptions.SHARDER_ADMIN_TOKEN})";
    private const string RedisAddress = $"{SiloHostOptions.REDIS_ADDR} ({SiloHostOptions.RedisAddressKey})";

    public ValidateOptionsResult Validate(string? name, SiloHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>(dotEnv.Errors.Concat(options.ReadFailures));

        ValidateId(options.ClusterId, nameof(SiloHostOptions.ClusterId), SiloHostOptions.DEFAULT_CLUSTER_ID, failures);
        ValidateId(options.ServiceId, nameof(SiloHostOptions.ServiceId), SiloHostOptions.DEFAULT_SERVICE_ID, failures);
        ValidatePort(options.SiloPort, SiloPort, failures);
        if (options.GatewayPort is < 0 or > IPEndPoint.MaxPort)
        {
            failures.Add($"{GatewayPort} is {options.GatewayPort}; set it to a port from 1 to {IPEndPoint.MaxPort}, "
                + "or to 0 (the default) for no client gateway.");
        }

        ValidatePort(options.HttpPort, HttpPort, failures);
        if (options.SiloPort == options.HttpPort
            || (options.GatewayPort != 0 && (options.SiloPort == options.GatewayPort || options.GatewayPort == options.HttpPort)))
        {
            failures.Add($"{SiloPort}, {GatewayPort} and {HttpPort} are {options.SiloPort}, {options.GatewayPort} and "
                + $"{options.HttpPort}; give each a different port ({GatewayPort} may be 0: no client gateway).");
        }

        if (!IPAddress.TryParse(options.HttpAddress, out _))
        {
            failures.Add($"{HttpAddress} is \"{options.HttpAddress}\"; set it to an IP address: "
                + $"{SiloHostOptions.DEFAULT_HTTP_ADDRESS} (the default, this machine only) or 0.0.0.0 (every interface).");
        }

        if (options.HttpToken is { } token
            && (token.Length < MinHttpTokenLength || token.Any(static c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            failures.Add($"{HttpToken} is too short or has spaces or control characters; set it to at least "
                + $"{MinHttpTokenLength} printable characters, e.g. the output of `openssl rand -hex 32`.");
        }

        if (options.AdminToken is { } adminToken)
        {
            if (adminToken.Length < MinHttpTokenLength || adminToken.Any(static c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                failures.Add($"{AdminToken} is too short or has spaces or control characters; set it to at least "
                    + $"{MinHttpTokenLength} printable characters, e.g. the output of `openssl rand -hex 32`, or leave it unset "
                    + "to turn the /admin routes off.");
            }
            else if (string.Equals(adminToken, options.HttpToken, StringComparison.Ordinal))
            {
                failures.Add($"{AdminToken} is the same as {HttpToken}; give the admin routes their own token, so that "
                    + "whoever may read /status and the metrics cannot also move shards.");
            }
        }

        if (options.AdvertisedIp is { } ip && !IPAddress.TryParse(ip, out _))
        {
            failures.Add($"{Section}:{nameof(SiloHostOptions.AdvertisedIp)} is \"{ip}\"; set it to an IP address such as "
                + "10.0.0.5, or leave it unset to use the host name's address.");
        }

        if (options.ShutdownTimeout <= TimeSpan.Zero || options.ShutdownTimeout > MaxShutdownTimeout)
        {
            failures.Add($"{Section}:{nameof(SiloHostOptions.ShutdownTimeout)} is {options.ShutdownTimeout:c}; set it to a "
                + $"positive duration of at most {MaxShutdownTimeout:c} (default {SiloHostOptions.DEFAULT_SHUTDOWN_TIMEOUT:c}).");
        }

        if (options.DashboardInterval < MinDashboardInterval || options.DashboardInterval > MaxDashboardInterval)
        {
            failures.Add($"{SiloHostOptions.DashboardIntervalKey} is {options.DashboardInterval:c}; set it to a duration from "
                + $"{MinDashboardInterval:c} to {MaxDashboardInterval:c} (default {SiloHostOptions.DEFAULT_DASHBOARD_INTERVAL:c}).");
        }

        if (!IsRedisAddress(options.RedisAddress))
        {
            failures.Add($"{RedisAddress} is not a Redis address; set it to host:port such as "
                + $"{SiloHostOptions.DEFAULT_REDIS_ADDRESS} (StackExchange.Redis options may follow after commas).");
        }

        if (options.RedisTlsCaFile is { } caFile)
        {
            ValidateCaFile(caFile, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool IsRedisAddress(string? address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return false;
        }

        try
        {
            var endPoints = ConfigurationOptions.Parse(address).EndPoints;
            return endPoints.Count > 0
                && endPoints.All(static endPoint => endPoint is not DnsEndPoint dns || Uri.CheckHostName(dns.Host) != UriHostNameType.Unknown);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void ValidateCaFile(string caFile, List<string> failures)
    {
        try
        {
            _ = RedisTls.LoadAuthorities(caFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException
            or System.Security.Cryptography.CryptographicException)
        {
            failures.Add($"{RedisTls.CaFileKey} ({RedisTls.CaFileVariable}) is \"{caFile}\", which holds no readable certificate "
                + $"({ex.GetType().Name}); set it to the PEM file of the CA that issued Redis's certificate, or leave it unset "
                + "to trust the system store only.");
        }
    }

    private static void ValidateId(string? value, string property, string defaultValue, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Any(char.IsWhiteSpace))
        {
            failures.Add($"{Section}:{property} is \"{value}\"; set it to a name without spaces "
                + $"(default \"{defaultValue}\").");
        }
    }

    private static void ValidatePort(int port, string setting, List<string> failures)
    {
        if (port is < 1 or > IPEndPoint.MaxPort)
        {
            failures.Add($"{setting} is {port}; set it to a port from 1 to {IPEndPoint.MaxPort}.");
        }
    }
}
