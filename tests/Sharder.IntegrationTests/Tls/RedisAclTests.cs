using Sharder.Grains.Commands;

namespace Sharder.IntegrationTests.Tls;

/// <summary>
/// The documented worker user against a real redis-server (over TLS): it pops event lists and pushes command
/// lists, and every other key or command a worker could abuse is refused with NOPERM.
/// </summary>
public sealed class RedisAclTests(SecureRedisFixture redis) : IClassFixture<SecureRedisFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Worker_pops_events_and_pushes_commands()
    {
        using var silo = await ConnectAsync(RedisAclUsers.Silo, SecureRedisFixture.SiloPassword);
        using var worker = await ConnectAsync(RedisAclUsers.Worker, SecureRedisFixture.WorkerPassword);
        (await silo.ExecuteAsync(["RPUSH", "sharder:events", "{\"shard\":0,\"seq\":1}"], Timeout, CancellationToken.None)).ThrowIfError();

        var popped = (await worker.ExecuteAsync(["BLPOP", "sharder:events", "5"], Timeout, CancellationToken.None)).ThrowIfError();
        Assert.Equal("{\"shard\":0,\"seq\":1}", popped.Items[1].Text);
        Assert.Equal(1, (await worker.ExecuteAsync(["RPUSH", "sharder:to:0", "{\"op\":3,\"d\":{}}"], Timeout, CancellationToken.None)).ThrowIfError().Integer);
        Assert.Equal(1, (await worker.ExecuteAsync(["RPUSH", "sharder:commands", "{\"op\":8,\"d\":{}}"], Timeout, CancellationToken.None)).ThrowIfError().Integer);
        (await silo.ExecuteAsync(["DEL", "sharder:to:0", "sharder:commands"], Timeout, CancellationToken.None)).ThrowIfError();
    }

    [Theory]
    [InlineData("HGETALL", "sharder:shard:0:checkpoint")]
    [InlineData("HSET", "sharder:shard:0:checkpoint", "epoch", "99")]
    [InlineData("HSET", "sharder:shard:0:checkpoint", "resume_url", "wss://attacker.example")]
    [InlineData("SET", "sharder:shard:0:epoch", "99")]
    [InlineData("HGETALL", "sharder/members/sharder")]
    [InlineData("GET", "sharder/state/coordinator")]
    [InlineData("RPUSH", "sharder:events", "{\"forged\":true}")]
    [InlineData("LPOP", "sharder:to:0")]
    [InlineData("LRANGE", "sharder:commands:dead", "0", "-1")]
    [InlineData("KEYS", "*")]
    [InlineData("EVAL", "return redis.call('HGETALL', KEYS[1])", "1", "sharder:shard:0:checkpoint")]
    [InlineData("FLUSHALL")]
    [InlineData("CONFIG", "GET", "*")]
    [InlineData("CLIENT", "LIST")]
    public async Task Worker_cannot_touch_anything_else(params string[] command)
    {
        using var worker = await ConnectAsync(RedisAclUsers.Worker, SecureRedisFixture.WorkerPassword);

        var reply = await worker.ExecuteAsync(command, Timeout, CancellationToken.None);

        Assert.Equal(RespReplyKind.Error, reply.Kind);
        Assert.StartsWith("NOPERM", reply.Text, StringComparison.Ordinal);
    }

    private Task<RespConnection> ConnectAsync(string user, string password)
        => RespConnection.ConnectAsync(redis.RespEndpointFor(user, password), Timeout, TimeProvider.System, CancellationToken.None);
}
