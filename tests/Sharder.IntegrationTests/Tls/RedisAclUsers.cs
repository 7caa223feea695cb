namespace Sharder.IntegrationTests.Tls;

/// <summary>
/// The Redis ACL users the README documents and docker-compose.yml defines, rule for rule, for the default key
/// prefix <c>sharder</c> and service id <c>sharder</c>. <see cref="SecureRedisFixture"/> starts redis-server with
/// them as <c>--user</c> arguments, the form compose uses.
/// </summary>
internal static class RedisAclUsers
{
    public const string Worker = "worker";
    public const string Silo = "silo";

    /// <summary>
    /// A worker pops event lists and pushes command lists, nothing else: no checkpoints, epochs, ledger,
    /// membership, grain state, scripts or key listing. Selectors keep it from pushing forged events or popping
    /// other workers' commands. ECHO, the lease keys and the consumer registry are what Sharder.Client's
    /// reliable consumer needs (StackExchange.Redis checks each new connection with ECHO).
    /// </summary>
    public static readonly IReadOnlyList<string> WorkerRules =
    [
        "resetkeys", "resetchannels", "-@all",
        "+ping", "+echo", "+hello", "+auth", "+select", "+client|setname",
        "(~sharder:events* +blpop +brpop +lpop +rpop +blmove +lmove +brpoplpush +rpoplpush +lrange +lindex +llen +lrem)",
        "(~sharder:to:* ~sharder:commands +rpush +lpush +llen)",
        "(~sharder:events*:lease:* +set +psetex +exists +del +unlink)",
        "(~sharder:events*:consumers +sadd +srem +smembers)",
    ];

    /// <summary>
    /// A silo: its own keys (<c>sharder:*</c>: events, checkpoints, command lists; <c>sharder/*</c>: Orleans
    /// membership, grain state and directory under the service id), StackExchange.Redis's tie-breaker key and
    /// channel, and every command except the administrative and dangerous ones, plus the few of those it uses
    /// (CLIENT ID and UNBLOCK for the command pump, INFO for the client library).
    /// </summary>
    public static readonly IReadOnlyList<string> SiloRules =
    [
        "resetkeys", "resetchannels", "~sharder:*", "~sharder/*", "%R~__Booksleeve_TieBreak", "&__Booksleeve_MasterChanged",
        "+@all", "-@admin", "-@dangerous", "+info", "+client|id", "+client|unblock", "+client|setname",
    ];

    /// <summary>redis-server arguments defining both users with these passwords.</summary>
    public static IEnumerable<string> ServerArguments(string workerPassword, string siloPassword)
        => ["--user", Worker, "on", $">{workerPassword}", .. WorkerRules, "--user", Silo, "on", $">{siloPassword}", .. SiloRules];
}
