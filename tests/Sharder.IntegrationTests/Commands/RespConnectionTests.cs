using System.Net;
using System.Net.Sockets;
using System.Text;
using Sharder.Grains.Commands;
using Sharder.TestKit.Redis;

namespace Sharder.IntegrationTests.Commands;

/// <summary>The tiny RESP client against a real redis-server.</summary>
[Collection(RedisServerFixture.CollectionName)]
public sealed class RespConnectionTests(RedisServerFixture redis)
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(5);

    private readonly string _prefix = Sink.TestRedis.UniquePrefix("resp");

    private RespEndpoint Endpoint => new(new IPEndPoint(IPAddress.Loopback, redis.Port));

    [Fact]
    public void Encode_WritesAnArrayOfBulkStrings()
    {
        ReadOnlyMemory<byte>[] arguments = [Bytes("SET"), Bytes("k"), new byte[10], new byte[100]];

        var encoded = RespConnection.Encode(arguments);

        var expected = "*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\n" + new string('\0', 10) + "\r\n$100\r\n" + new string('\0', 100) + "\r\n";
        Assert.Equal(expected, Encoding.ASCII.GetString(encoded));
    }

    [Fact]
    public async Task EveryReplyKind_IsRead()
    {
        using var connection = await ConnectAsync();
        var key = $"{_prefix}:kinds";

        var pong = await ExecuteAsync(connection, "PING");
        var pushed = await ExecuteAsync(connection, "RPUSH", key, "a", "", "c");
        var range = await ExecuteAsync(connection, "LRANGE", key, "0", "-1");
        var missing = await ExecuteAsync(connection, "GET", $"{_prefix}:missing");
        var error = await ExecuteAsync(connection, "NOSUCHCOMMAND");
        var afterError = await ExecuteAsync(connection, "LLEN", key);

        Assert.Equal((RespReplyKind.SimpleString, "PONG"), (pong.Kind, pong.Text));
        Assert.Equal((RespReplyKind.Integer, 3L), (pushed.Kind, pushed.Integer));
        Assert.Equal(RespReplyKind.Array, range.Kind);
        Assert.Equal(["a", "", "c"], range.Items.Select(i => i.Text));
        Assert.All(range.Items, item => Assert.Equal(RespReplyKind.BulkString, item.Kind));
        Assert.True(missing.IsNil);
        Assert.Equal(RespReplyKind.Error, error.Kind);
        Assert.StartsWith("ERR unknown command", error.Text, StringComparison.Ordinal);
        Assert.Throws<RespErrorException>(() => error.ThrowIfError());
        Assert.Equal(3, afterError.Integer);
        Assert.False(connection.IsBroken);
    }

    [Fact]
    public async Task BinaryValues_RoundTripIncludingCrLfAndLargeValues()
    {
        using var connection = await ConnectAsync();
        byte[] binary = [0, 13, 10, 255, 42, 13, 10];
        var large = new byte[1_000_003];
        new Random(7).NextBytes(large);

        await connection.ExecuteAsync([Bytes("SET"), Bytes($"{_prefix}:bin"), binary], _timeout, CancellationToken.None);
        await connection.ExecuteAsync([Bytes("SET"), Bytes($"{_prefix}:large"), large], _timeout, CancellationToken.None);
        var both = await ExecuteAsync(connection, "MGET", $"{_prefix}:bin", $"{_prefix}:large");

        Assert.Equal(binary, both.Items[0].Bytes.ToArray());
        Assert.Equal(large, both.Items[1].Bytes.ToArray());
    }

    [Fact]
    public async Task BlpopTimeout_IsNil_AndBlpopReturnsKeyAndElement()
    {
        using var connection = await ConnectAsync();
        var key = $"{_prefix}:blpop";

        var timedOut = await ExecuteAsync(connection, "BLPOP", key, "0.05");
        await ExecuteAsync(connection, "RPUSH", key, "payload");
        var popped = await ExecuteAsync(connection, "BLPOP", $"{_prefix}:empty", key, "1");

        Assert.True(timedOut.IsNil);
        Assert.Equal([key, "payload"], popped.Items.Select(i => i.Text));
    }

    [Fact]
    public async Task ResponseTimeout_ThrowsAndBreaksTheConnection()
    {
        using var connection = await ConnectAsync();

        var failure = await Assert.ThrowsAsync<TimeoutException>(() => connection.ExecuteAsync(
            ["BLPOP", $"{_prefix}:never", "5"], TimeSpan.FromMilliseconds(100), CancellationToken.None));

        Assert.Contains("BLPOP", failure.Message, StringComparison.Ordinal);
        Assert.True(connection.IsBroken);
        await Assert.ThrowsAsync<InvalidOperationException>(() => ExecuteAsync(connection, "PING"));
    }

    [Fact]
    public async Task Cancellation_StopsABlockingCommand()
    {
        using var connection = await ConnectAsync();
        using var cancellation = new CancellationTokenSource();

        var blocked = connection.ExecuteAsync(["BLPOP", $"{_prefix}:never", "5"], _timeout, cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);
        Assert.True(connection.IsBroken);
    }

    [Fact]
    public async Task ServerClosingTheConnection_IsAnIOException()
    {
        using var connection = await ConnectAsync();

        var quit = await ExecuteAsync(connection, "QUIT");

        Assert.Equal("OK", quit.Text);
        await Assert.ThrowsAsync<IOException>(() => ExecuteAsync(connection, "PING"));
    }

    [Fact]
    public async Task Select_UsesTheEndpointsDatabase()
    {
        using var connection = await RespConnection.ConnectAsync(
            new RespEndpoint(new IPEndPoint(IPAddress.Loopback, redis.Port), database: 5), _timeout, TimeProvider.System, CancellationToken.None);
        await ExecuteAsync(connection, "SET", $"{_prefix}:db", "five");
        using var other = await ConnectAsync();

        Assert.True((await ExecuteAsync(other, "GET", $"{_prefix}:db")).IsNil);
        Assert.Equal("five", (await ExecuteAsync(connection, "GET", $"{_prefix}:db")).Text);
    }

    [Fact]
    public async Task Connect_NobodyListening_ThrowsSocketException()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var failure = await Assert.ThrowsAsync<SocketException>(() => RespConnection.ConnectAsync(
            new RespEndpoint(new IPEndPoint(IPAddress.Loopback, port)), _timeout, TimeProvider.System, CancellationToken.None));

        Assert.Equal(SocketError.ConnectionRefused, failure.SocketErrorCode);
    }

    [Fact]
    public async Task Auth_WithPasswordOrAclUser()
    {
        await using var server = new RedisServer();
        await server.StartAsync();
        var address = new IPEndPoint(IPAddress.Loopback, server.Port);
        using (var setup = await RespConnection.ConnectAsync(new RespEndpoint(address), _timeout, TimeProvider.System, CancellationToken.None))
        {
            (await ExecuteAsync(setup, "ACL", "SETUSER", "worker", "on", ">pw2", "~*", "+@all")).ThrowIfError();
            (await ExecuteAsync(setup, "CONFIG", "SET", "requirepass", "pw1")).ThrowIfError();
        }

        using var anonymous = await RespConnection.ConnectAsync(new RespEndpoint(address), _timeout, TimeProvider.System, CancellationToken.None);
        using var withPassword = await RespConnection.ConnectAsync(new RespEndpoint(address, password: "pw1"), _timeout, TimeProvider.System, CancellationToken.None);
        using var withUser = await RespConnection.ConnectAsync(new RespEndpoint(address, "worker", "pw2"), _timeout, TimeProvider.System, CancellationToken.None);
        var wrong = await Assert.ThrowsAsync<RespErrorException>(() => RespConnection.ConnectAsync(
            new RespEndpoint(address, password: "nope"), _timeout, TimeProvider.System, CancellationToken.None));

        Assert.StartsWith("NOAUTH", (await ExecuteAsync(anonymous, "PING")).Text, StringComparison.Ordinal);
        Assert.Equal("PONG", (await ExecuteAsync(withPassword, "PING")).Text);
        Assert.Equal("worker", (await ExecuteAsync(withUser, "ACL", "WHOAMI")).Text);
        Assert.StartsWith("WRONGPASS", wrong.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("nope", wrong.Message, StringComparison.Ordinal);

        // Lets the server's own SHUTDOWN (sent without a password) stop it at once.
        (await ExecuteAsync(withPassword, "CONFIG", "SET", "requirepass", "")).ThrowIfError();
    }

    private Task<RespConnection> ConnectAsync()
        => RespConnection.ConnectAsync(Endpoint, _timeout, TimeProvider.System, CancellationToken.None);

    private static Task<RespReply> ExecuteAsync(RespConnection connection, params string[] arguments)
        => connection.ExecuteAsync(arguments, _timeout, CancellationToken.None);

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
