using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace Sharder.Grains.Hosting;

/// <summary>
/// TLS trust for every Redis connection of a silo (clustering, the identify ledger, grain directory, publisher and the
/// command pump's own client): the system store, plus the CA certificate in <c>Redis:TlsCaFile</c>
/// (<c>REDIS_TLS_CA_FILE</c>) for a server whose certificate a private CA issued. TLS itself is switched on by
/// <c>ssl=true</c> in <c>REDIS_ADDR</c>; the host name checked is the endpoint's (or <c>sslHost=</c>).
/// </summary>
public static class RedisTls
{
    /// <summary>Configuration key of the CA file.</summary>
    public const string CaFileKey = "Redis:TlsCaFile";

    /// <summary>Environment variable of the CA file; wins over <see cref="CaFileKey"/>.</summary>
    public const string CaFileVariable = "REDIS_TLS_CA_FILE";

    /// <summary>The configured CA file, or null.</summary>
    public static string? ReadCaFile(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[CaFileVariable] is { Length: > 0 } fromVariable ? fromVariable : configuration[CaFileKey];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>
    /// Parses a StackExchange.Redis configuration string, sets a reconnect policy that comes back within half a
    /// second of Redis, and, when <paramref name="caFile"/> is set, trusts that CA for the server certificate.
    /// Every Orleans Redis provider and the shared multiplexer get a clone of this, so TLS, user, password and the
    /// reconnect policy reach them all.
    /// </summary>
    public static ConfigurationOptions Parse(string address, string? caFile)
    {
        var options = ConfigurationOptions.Parse(address);
        // Back within half a second of Redis: the default policy grows to 10 s between reconnects, and a
        // reconnect is only tried on a heartbeat (1 s by default), so events stalled for 5-7 s after an outage.
        options.ReconnectRetryPolicy = new ExponentialRetry(100, 500);
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(250);
        if (caFile is not null)
        {
            options.CertificateValidation += CreateValidationCallback(caFile);
        }

        return options;
    }

    /// <summary>
    /// Accepts a server certificate the system trusts, or one whose chain ends at a certificate in
    /// <paramref name="caFile"/> (PEM or DER; loaded on first use). The host name must match either way.
    /// </summary>
    public static RemoteCertificateValidationCallback CreateValidationCallback(string caFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(caFile);
        var authorities = new Lazy<X509Certificate2Collection>(() => LoadAuthorities(caFile), LazyThreadSafetyMode.ExecutionAndPublication);
        return (_, certificate, chain, errors) =>
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            // A name mismatch or a missing certificate is never excused by the private CA.
            if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null)
            {
                return false;
            }

            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            custom.ChainPolicy.CustomTrustStore.AddRange(authorities.Value);
            if (chain is not null)
            {
                foreach (var element in chain.ChainElements)
                {
                    custom.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }

            using var leaf = new X509Certificate2(certificate);
            return custom.Build(leaf);
        };
    }

    /// <summary>Loads the CA file: every certificate of a PEM bundle, or one DER certificate.</summary>
    /// <exception cref="CryptographicException">The file holds no certificate.</exception>
    public static X509Certificate2Collection LoadAuthorities(string caFile)
    {
        var authorities = new X509Certificate2Collection();
        var text = File.ReadAllText(caFile);
        if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            authorities.ImportFromPem(text);
        }
        else
        {
            authorities.Add(X509CertificateLoader.LoadCertificateFromFile(caFile));
        }

        return authorities.Count > 0
            ? authorities
            : throw new System.Security.Cryptography.CryptographicException($"{CaFileKey} names a file without a certificate.");
    }
}
