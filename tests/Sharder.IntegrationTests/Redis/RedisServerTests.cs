using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sharder.TestKit;
using Sharder.TestKit.Redis;
using StackExchange.Redis;

namespace Sharder.IntegrationTests.Redis;

/// <summary>Each test owns its server, so stopping one never disturbs another test.</summary>
public sealed class RedisServerTests
{
    private static readonly TimeSpan _recoveryTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Start_ServerAnswersPingSetAndGet()
    {
        await using var server = new RedisServer();
        await server.StartAsync();

        await using var connection = await ConnectAsync(server.ConnectionString);
        var database = connection.GetDatabase();
        await database.PingAsync();
        Assert.True(await database.StringSetAsync("greeting", "hello"));
        Assert.Equal("hello", (string?)await database.StringGetAsync("greeting"));
        Assert.Equal($"127.0.0.1:{server.Port}", server.ConnectionString);
        Assert.True(server.IsRunning);
    }

    [Fact]
    public async Task Start_ServerHasNoPersistenceAndListensOnLoopbackOnly()
    {
        await using var server = new RedisServer();
        await server.StartAsync();

        await using var connection = await ConnectAsync(server.ConnectionString, allowAdmin: true);
        var admin = connection.GetServer(server.ConnectionString);
        Assert.Equal("", ConfigValue(await admin.ConfigGetAsync("save")));
        Assert.Equal("no", ConfigValue(await admin.ConfigGetAsync("appendonly")));
        Assert.Equal("127.0.0.1", ConfigValue(await admin.ConfigGetAsync("bind")));
        Assert.Equal(server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ConfigValue(await admin.ConfigGetAsync("port")));
    }

    [Fact]
    public async Task Stop_PortRefusesConnections()
    {
        await using var server = new RedisServer();
        await server.StartAsync();
        int port = server.Port;

        await server.StopAsync();

        Assert.False(server.IsRunning);
        Assert.Null(server.ProcessId);
        using var client = new TcpClient(AddressFamily.InterNetwork);
        var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task StartAfterStop_SamePortServesAgainAndConnectedClientRecovers()
    {
        await using var server = new RedisServer();
        await server.StartAsync();
        int port = server.Port;
        await using var connection = await ConnectAsync(server.ConnectionString);
        var database = connection.GetDatabase();
        await database.StringSetAsync("before-outage", "1");

        await server.StopAsync();
        await Eventually.TrueAsync(() => !connection.IsConnected, _recoveryTimeout, "the client notices the outage");
        await server.StartAsync();

        Assert.Equal(port, server.Port);
        await Eventually.TrueAsync(() => connection.IsConnected, _recoveryTimeout, "the client reconnects after the restart");
        Assert.True(await database.StringSetAsync("after-outage", "2"));
        Assert.Equal("2", (string?)await database.StringGetAsync("after-outage"));
        Assert.False(await database.KeyExistsAsync("before-outage"));
    }

    [Fact]
    public async Task StartAfterStop_PortTakenByAnotherProcess_FailsWithServerOutput()
    {
        await using var server = new RedisServer();
        await server.StartAsync();
        await server.StopAsync();
        using var squatter = new TcpListener(IPAddress.Loopback, server.Port);
        squatter.Start();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync());

        Assert.Contains($"before answering PING on port {server.Port}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Address already in use", failure.Message, StringComparison.Ordinal);
        Assert.False(server.IsRunning);
    }

    [Fact]
    public async Task FlushAll_RemovesEveryKey()
    {
        await using var server = new RedisServer();
        await server.StartAsync();
        await using var connection = await ConnectAsync(server.ConnectionString);
        var database = connection.GetDatabase();
        await database.StringSetAsync("a", "1");
        await connection.GetDatabase(3).StringSetAsync("b", "2");

        await server.FlushAllAsync();

        Assert.False(await database.KeyExistsAsync("a"));
        Assert.False(await connection.GetDatabase(3).KeyExistsAsync("b"));
    }

    [Fact]
    public async Task Dispose_LeavesNoProcessBehind()
    {
        var fixture = new RedisServerFixture();
        await fixture.InitializeAsync();
        int processId = fixture.Server.ProcessId ?? throw new InvalidOperationException("A started server has a process id.");
        using var process = Process.GetProcessById(processId);
        Assert.StartsWith("redis-server", process.ProcessName, StringComparison.Ordinal);
        var startTime = process.StartTime;

        await fixture.DisposeAsync();

        Assert.True(process.HasExited, $"redis-server pid {processId} is still running after dispose.");
        Assert.False(IsSameProcessAlive(processId, startTime), $"pid {processId} is still in the process table after dispose.");
        Assert.False(fixture.Server.IsRunning);
    }

    [Fact]
    public async Task StartWhileRunning_Throws()
    {
        await using var server = new RedisServer();
        await server.StartAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync());
        Assert.True(server.IsRunning);
    }

    [Fact]
    public async Task Port_BeforeFirstStart_Throws()
    {
        await using var server = new RedisServer();

        Assert.Throws<InvalidOperationException>(() => server.Port);
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.FlushAllAsync());
    }

    [Fact]
    public async Task RecentOutput_ContainsWhatTheServerPrinted()
    {
        await using var server = new RedisServer();
        await server.StartAsync();
        await server.StopAsync();

        Assert.Contains("Ready to accept connections", server.RecentOutput, StringComparison.Ordinal);
        Assert.Contains($"port {server.Port}", server.RecentOutput, StringComparison.Ordinal);
    }

    private static async Task<ConnectionMultiplexer> ConnectAsync(string connectionString, bool allowAdmin = false)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AllowAdmin = allowAdmin;
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 5_000;
        // Notice an outage and retry quickly, so recovery tests take milliseconds rather than seconds.
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
        options.ReconnectRetryPolicy = new LinearRetry(50);
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    private static string? ConfigValue(KeyValuePair<string, string>[] pairs) => Assert.Single(pairs).Value;

    private static bool IsSameProcessAlive(int processId, DateTime startTime)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            // A reused pid belongs to a process that started later.
            return !process.HasExited && process.StartTime == startTime;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
