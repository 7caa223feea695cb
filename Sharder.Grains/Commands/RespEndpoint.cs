using System.Net;
using StackExchange.Redis;

namespace Sharder.Grains.Commands;

/// <summary>
/// Where <see cref="RespConnection"/> connects, and how it authenticates. <see cref="ToString"/> never shows
/// the password.
/// </summary>
internal sealed class RespEndpoint
{
    private const int DefaultRedisPort = 6379;

    public RespEndpoint(EndPoint endPoint, string? user = null, string? password = null, int database = 0)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentOutOfRangeException.ThrowIfNegative(database);
        EndPoint = endPoint;
        User = user;
        Password = password;
        Database = database;
    }

    public EndPoint EndPoint { get; }

    /// <summary>ACL user for AUTH; null for the default user.</summary>
    public string? User { get; }

    /// <summary>Password for AUTH; null when the server needs none.</summary>
    public string? Password { get; }

    /// <summary>Database to SELECT; 0 is Redis's default.</summary>
    public int Database { get; }

    /// <summary>
    /// The first endpoint, user, password and default database of a StackExchange.Redis configuration, so
    /// the command connection reaches the same server as the shared multiplexer.
    /// </summary>
    /// <exception cref="NotSupportedException">The configuration uses TLS, which <see cref="RespConnection"/> does not.</exception>
    public static RespEndpoint FromConfiguration(ConfigurationOptions configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.Ssl)
        {
            throw new NotSupportedException("The command connection does not support TLS; use a plain-text Redis endpoint.");
        }

        var first = configuration.EndPoints.FirstOrDefault()
            ?? throw new ArgumentException("The Redis configuration has no endpoint.", nameof(configuration));
        var endPoint = first switch
        {
            DnsEndPoint { Port: 0 } dns => new DnsEndPoint(dns.Host, DefaultRedisPort),
            IPEndPoint { Port: 0 } ip => new IPEndPoint(ip.Address, DefaultRedisPort),
            _ => first,
        };
        return new RespEndpoint(endPoint, configuration.User, configuration.Password, configuration.DefaultDatabase ?? 0);
    }

    public override string ToString() => Database == 0 ? $"{EndPoint}" : $"{EndPoint}/{Database}";
}
