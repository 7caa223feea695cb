namespace Sharder.IntegrationTests.Tls;

/// <summary>
/// The ACL users the tests run against are the ones an operator copies: the README's <c>redis.conf</c> lines and
/// docker-compose.yml's Redis command hold <see cref="RedisAclUsers"/> rule for rule. A change to one without the
/// others fails here.
/// </summary>
public sealed class DocumentedAclTests
{
    private static readonly string Root = FindRepositoryRoot();

    [Fact]
    public void Readme_shows_the_tested_rules_as_redis_conf_lines()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));

        Assert.Contains($"user silo on >SILO_PASSWORD {ConfLine(RedisAclUsers.SiloRules)}\n", readme, StringComparison.Ordinal);
        Assert.Contains($"user worker on >WORKER_PASSWORD {ConfLine(RedisAclUsers.WorkerRules)}\n", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_defines_the_tested_users_and_publishes_no_redis_port()
    {
        var compose = File.ReadAllLines(Path.Combine(Root, "docker-compose.yml"));
        var items = compose.Select(static line => line.Trim())
            .Where(static line => line.StartsWith("- ", StringComparison.Ordinal))
            .Select(static line => line[2..].Trim('"'))
            .ToList();

        AssertSequence(items, ["--user", "silo", "on", ">${REDIS_SILO_PASSWORD:?set REDIS_SILO_PASSWORD in .env}", .. RedisAclUsers.SiloRules]);
        AssertSequence(items, ["--user", "worker", "on", ">${REDIS_WORKER_PASSWORD:?set REDIS_WORKER_PASSWORD in .env}", .. RedisAclUsers.WorkerRules]);
        AssertSequence(items, ["--user", "default", "off"]);

        int redis = Array.FindIndex(compose, static line => line == "  redis:");
        int next = Array.FindIndex(compose, redis + 1, static line => line.Length > 2 && line[2] != ' ' && line.StartsWith("  ", StringComparison.Ordinal));
        Assert.DoesNotContain(compose[redis..next], static line => line.Trim() == "ports:");
        Assert.DoesNotContain(compose, static line => line.StartsWith("name:", StringComparison.Ordinal));
    }

    private static string ConfLine(IEnumerable<string> rules)
        => string.Join(' ', rules.Select(static rule => rule.Contains(' ', StringComparison.Ordinal) ? $"\"{rule}\"" : rule));

    private static void AssertSequence(List<string> items, IReadOnlyList<string> expected)
    {
        for (int start = 0; start + expected.Count <= items.Count; start++)
        {
            if (items.Skip(start).Take(expected.Count).SequenceEqual(expected, StringComparer.Ordinal))
            {
                return;
            }
        }

        Assert.Fail($"docker-compose.yml has no command items {string.Join(' ', expected)}");
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sharder.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Sharder.sln above {AppContext.BaseDirectory}.");
    }
}
