using System.Net;
using System.Net.Security;
using StackExchange.Redis;

namespace Sharder.Grains.Commands;

/// <summary>
/// Where <see cref="RespConnection"/> connects, whether over TLS, and how it authenticates.
/// <see cref="ToString"/> never shows the password.
/// </summary>
internal sealed class RespEndpoint
{
    private const int DefaultRedisPort = 6379;

    public RespEndpoint(
        EndPoint endPoint,
        string? user = null,
        string? password = null,
        int database = 0,
        bool useTls = false,
        string? tlsHost = null,
        RemoteCertificateValidationCallback? certificateValidation = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentOutOfRangeException.ThrowIfNegative(database);
        EndPoint = endPoint;
        User = user;
        Password = password;
        Database = database;
        UseTls = useTls;
        TlsHost = tlsHost ?? endPoint switch
        {
            DnsEndPoint dns => dns.Host,
            IPEndPoint ip => ip.Address.ToString(),
            _ => endPoint.ToString() ?? string.Empty,
        };
        CertificateValidation = certificateValidation;
    }

    public EndPoint EndPoint { get; }

    /// <summary>ACL user for AUTH; null for the default user.</summary>
    public string? User { get; }

    /// <summary>Password for AUTH; null when the server needs none.</summary>
    public string? Password { get; }

    /// <summary>Database to SELECT; 0 is Redis's default.</summary>
    public int Database { get; }

    /// <summary>Whether to speak TLS (<c>ssl=true</c> in the configuration).</summary>
    public bool UseTls { get; }

    /// <summary>The name sent as SNI and checked against the server certificate: <c>sslHost</c>, else the endpoint's host.</summary>
    public string TlsHost { get; }

    /// <summary>
    /// Extra trust for the server certificate (a private CA, <see cref="Hosting.RedisTls"/>); null trusts the
    /// system store only.
    /// </summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; }

    /// <summary>
    /// The first endpoint, user, password, default database and TLS settings (<c>ssl</c>, <c>sslHost</c>) of a
    /// StackExchange.Redis configuration, so the command connection reaches the same server, the same way, as the
    /// shared multiplexer.
    /// </summary>
    /// <param name="configuration">The silo's Redis configuration.</param>
    /// <param name="certificateValidation">The trust given to the multiplexer too; null for the system store only.</param>
    public static RespEndpoint FromConfiguration(ConfigurationOptions configuration, RemoteCertificateValidationCallback? certificateValidation = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var first = configuration.EndPoints.FirstOrDefault()
            ?? throw new ArgumentException("The Redis configuration has no endpoint.", nameof(configuration));
        return ForEndPoint(configuration, first, certificateValidation);
    }

    /// <summary>
    /// Every endpoint of the configuration, each reached as <see cref="FromConfiguration"/> reaches the first: the
    /// nodes a Redis Cluster client may ask first.
    /// </summary>
    public static IReadOnlyList<RespEndpoint> AllFromConfiguration(
        ConfigurationOptions configuration, RemoteCertificateValidationCallback? certificateValidation = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return [.. configuration.EndPoints.Select(endPoint => ForEndPoint(configuration, endPoint, certificateValidation))];
    }

    private static RespEndpoint ForEndPoint(
        ConfigurationOptions configuration, EndPoint first, RemoteCertificateValidationCallback? certificateValidation)
    {
        var endPoint = first switch
        {
            DnsEndPoint { Port: 0 } dns => new DnsEndPoint(dns.Host, DefaultRedisPort),
            IPEndPoint { Port: 0 } ip => new IPEndPoint(ip.Address, DefaultRedisPort),
            _ => first,
        };
        return new RespEndpoint(
            endPoint,
            configuration.User,
            configuration.Password,
            configuration.DefaultDatabase ?? 0,
            configuration.Ssl,
            string.IsNullOrEmpty(configuration.SslHost) ? null : configuration.SslHost,
            certificateValidation);
    }

    public override string ToString()
        => (UseTls ? "tls://" : string.Empty) + (Database == 0 ? $"{EndPoint}" : $"{EndPoint}/{Database}");
}
