using System.Net;
using Sharder.Grains.Commands;
using StackExchange.Redis;

namespace Sharder.IntegrationTests.Commands;

public sealed class RespEndpointTests
{
    [Fact]
    public void FromConfiguration_TakesEndpointUserPasswordAndDatabase()
    {
        var endpoint = RespEndpoint.FromConfiguration(
            ConfigurationOptions.Parse("127.0.0.1:6390,user=bot,password=s3cret,defaultDatabase=2"));

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 6390), endpoint.EndPoint);
        Assert.Equal(("bot", "s3cret", 2), (endpoint.User, endpoint.Password, endpoint.Database));
        Assert.DoesNotContain("s3cret", endpoint.ToString(), StringComparison.Ordinal);
        Assert.Equal("127.0.0.1:6390/2", endpoint.ToString());
    }

    [Fact]
    public void FromConfiguration_WithoutPort_UsesRedisDefault()
    {
        var endpoint = RespEndpoint.FromConfiguration(ConfigurationOptions.Parse("redis.internal"));

        var dns = Assert.IsType<DnsEndPoint>(endpoint.EndPoint);
        Assert.Equal(("redis.internal", 6379), (dns.Host, dns.Port));
        Assert.Null(endpoint.Password);
        Assert.Equal(0, endpoint.Database);
    }

    [Fact]
    public void FromConfiguration_Tls_TakesSslAndTheHostToCheck()
    {
        var plain = RespEndpoint.FromConfiguration(ConfigurationOptions.Parse("localhost:6380"));
        var tls = RespEndpoint.FromConfiguration(ConfigurationOptions.Parse("localhost:6380,ssl=true"));
        var named = RespEndpoint.FromConfiguration(ConfigurationOptions.Parse("10.0.0.7:6380,ssl=true,sslHost=redis.internal"));

        Assert.False(plain.UseTls);
        Assert.Equal((true, "localhost"), (tls.UseTls, tls.TlsHost));
        Assert.Equal((true, "redis.internal"), (named.UseTls, named.TlsHost));
        Assert.StartsWith("tls://", tls.ToString(), StringComparison.Ordinal);
    }
}
