using System.Security.Authentication;
using Sharder.Grains.Commands;
using Sharder.Grains.Hosting;
using StackExchange.Redis;

namespace Sharder.IntegrationTests.Tls;

/// <summary>
/// Both Redis clients of a silo over TLS with an ACL user: the command pump's <see cref="RespConnection"/> and a
/// StackExchange.Redis multiplexer configured by <see cref="RedisTls.Parse"/>. The private CA is trusted only
/// when configured, and never excuses a certificate for another host name.
/// </summary>
public sealed class RedisTlsTests(SecureRedisFixture redis) : IClassFixture<SecureRedisFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Resp_connection_speaks_tls_and_authenticates_as_the_acl_user()
    {
        var endpoint = redis.RespEndpointFor(RedisAclUsers.Silo, SecureRedisFixture.SiloPassword);
        using var connection = await RespConnection.ConnectAsync(endpoint, Timeout, TimeProvider.System, CancellationToken.None);

        Assert.True(endpoint.UseTls);
        Assert.Equal("PONG", (await connection.ExecuteAsync(["PING"], Timeout, CancellationToken.None)).Text);
        Assert.Equal(RedisAclUsers.Silo, (await connection.ExecuteAsync(["ACL", "WHOAMI"], Timeout, CancellationToken.None)).Text);
        Assert.DoesNotContain(SecureRedisFixture.SiloPassword, endpoint.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resp_connection_blpop_over_tls_returns_what_another_client_pushed()
    {
        var endpoint = redis.RespEndpointFor(RedisAclUsers.Silo, SecureRedisFixture.SiloPassword);
        using var blocking = await RespConnection.ConnectAsync(endpoint, Timeout, TimeProvider.System, CancellationToken.None);
        using var pusher = await RespConnection.ConnectAsync(endpoint, Timeout, TimeProvider.System, CancellationToken.None);
        var key = $"sharder:to:tls-{Guid.NewGuid():N}";

        var pop = blocking.ExecuteAsync(["BLPOP", key, "5"], Timeout, CancellationToken.None);
        (await pusher.ExecuteAsync(["RPUSH", key, "{\"op\":3}"], Timeout, CancellationToken.None)).ThrowIfError();
        var reply = await pop;

        Assert.Equal([key, "{\"op\":3}"], reply.Items.Select(static item => item.Text));
    }

    [Fact]
    public async Task Resp_connection_refuses_a_certificate_the_system_store_does_not_trust()
    {
        var endpoint = redis.RespEndpointFor(RedisAclUsers.Silo, SecureRedisFixture.SiloPassword, trustCa: false);

        await Assert.ThrowsAsync<AuthenticationException>(
            () => RespConnection.ConnectAsync(endpoint, Timeout, TimeProvider.System, CancellationToken.None));
    }

    [Fact]
    public async Task The_private_ca_does_not_excuse_a_certificate_for_another_host()
    {
        var endpoint = redis.RespEndpointFor(RedisAclUsers.Silo, SecureRedisFixture.SiloPassword, sslHost: "redis.example.org");

        Assert.Equal("redis.example.org", endpoint.TlsHost);
        await Assert.ThrowsAsync<AuthenticationException>(
            () => RespConnection.ConnectAsync(endpoint, Timeout, TimeProvider.System, CancellationToken.None));
    }

    [Fact]
    public async Task Multiplexer_and_its_clones_connect_over_tls_with_the_configured_ca_only()
    {
        var trusted = RedisTls.Parse(redis.SiloAddress, redis.CaFile);
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(trusted.Clone()))
        {
            await connection.GetDatabase().PingAsync();
            Assert.Equal(RedisAclUsers.Silo, (string?)await connection.GetDatabase().ExecuteAsync("ACL", "WHOAMI"));
        }

        var untrusted = RedisTls.Parse(redis.SiloAddress, caFile: null);
        untrusted.ConnectTimeout = 2000;
        untrusted.ConnectRetry = 1;
        await Assert.ThrowsAsync<RedisConnectionException>(() => ConnectionMultiplexer.ConnectAsync(untrusted));
    }
}
