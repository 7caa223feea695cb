using System.Globalization;
using Sharder.Grains.Commands;
using Sharder.Grains.Hosting;
using Sharder.IntegrationTests.Host;
using Sharder.TestKit.Redis;
using StackExchange.Redis;

namespace Sharder.IntegrationTests.Tls;

/// <summary>
/// A redis-server with a TLS port (certificate from <see cref="TestCertificates"/>, clients not asked for
/// certificates) and the documented ACL users of <see cref="RedisAclUsers"/>. Its plain loopback port, with the
/// default user, is only for the test to inspect and manage the server.
/// </summary>
public sealed class SecureRedisFixture : IAsyncLifetime
{
    public const string WorkerPassword = "worker-password.sekrit";
    public const string SiloPassword = "silo-password.sekrit";

    private readonly TestCertificates _certificates = TestCertificates.Create();
    private RedisServer? _server;

    public int TlsPort { get; } = TestSiloHost.FreePort();

    public string CaFile => _certificates.CaFile;

    public RedisServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>The silo's <c>REDIS_ADDR</c>: TLS port, silo user.</summary>
    public string SiloAddress => Address(RedisAclUsers.Silo, SiloPassword);

    /// <summary>A StackExchange.Redis configuration string for the TLS port as <paramref name="user"/>.</summary>
    public string Address(string user, string password)
        => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{TlsPort},ssl=true,user={user},password={password}");

    /// <summary>The command pump's endpoint for the TLS port as <paramref name="user"/>, trusting the test CA.</summary>
    internal RespEndpoint RespEndpointFor(string user, string password, string? sslHost = null, bool trustCa = true)
    {
        var configuration = ConfigurationOptions.Parse(Address(user, password));
        configuration.SslHost = sslHost;
        return RespEndpoint.FromConfiguration(configuration, trustCa ? RedisTls.CreateValidationCallback(CaFile) : null);
    }

    public async Task InitializeAsync()
    {
        string[] tls =
        [
            "--tls-port", TlsPort.ToString(CultureInfo.InvariantCulture),
            "--tls-cert-file", _certificates.ServerCertificateFile,
            "--tls-key-file", _certificates.ServerKeyFile,
            "--tls-ca-cert-file", _certificates.CaFile,
            "--tls-auth-clients", "no",
        ];
        _server = new RedisServer(extraArguments: [.. tls, .. RedisAclUsers.ServerArguments(WorkerPassword, SiloPassword)]);
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _certificates.Dispose();
    }
}
