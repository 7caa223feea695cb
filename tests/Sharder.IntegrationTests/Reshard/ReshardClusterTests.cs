using System.Globalization;
using System.Net;
using Sharder.IntegrationTests.MultiProcess;
using Sharder.Simulator.Events;
using Sharder.Simulator.Ledger;
using Sharder.TestKit.Redis;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Reshard;

/// <summary>
/// Zero-downtime resharding end to end (issue 11): real <c>Sharder.Silo</c> processes, a real redis-server and
/// the gateway simulator as Discord. A run from 4 to 8 shards under 1,000 events/s must hand every guild over
/// with each identity-carrying event popped exactly once, the rest never lost and duplicated only when marked
/// overlap (the per-guild check of <see cref="GuildDeliveryCheck"/>), 8 new session starts, the 4 old sessions
/// closed with 1000 and no per-guild gap beyond 250 ms. Written against the admin API of the lead's design
/// (<c>POST/GET /admin/reshard</c>).
/// </summary>
[Collection(MultiProcessCollection.Name)]
public sealed class ReshardClusterTests(RedisServerFixture redis, ITestOutputHelper output)
{
    private const int From = 4;
    private const int To = 8;
    private const int Guilds = 16;
    private const double EventsPerSecond = 1_000;
    private const string AdminToken = "reshard-admin-token-0123456789abcdef";

    /// <summary>GUILDS, GUILD_MEMBERS (for GUILD_MEMBER_ADD), presences, messages, reactions, typing, DMs.</summary>
    private const ulong Intents = 1 | 2 | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12) | (1 << 13) | (1 << 14);

    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(150);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxGuildGap = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ReorderSlack = TimeSpan.FromMilliseconds(10);

    /// <summary>How much earlier than its receive time an event may have been produced (simulator → silo latency).</summary>
    private static readonly TimeSpan LatencySlack = TimeSpan.FromMilliseconds(500);

    private readonly ReshardAdmin _admin = new(AdminToken);

    [Fact]
    public async Task Four_to_eight_shards_across_three_silos_under_load_hands_every_guild_over_once()
    {
        await using var cluster = await CreateClusterAsync();
        var silos = await StartAsync(cluster, "A", "B", "C");

        var started = await StartRunAsync(cluster, silos[0]);
        var run = await WaitForRunAsync(cluster, r => r.IsFinished, "the run finishes");
        Assert.True(run.Is("completed"), $"the run ended {run.State}.{Environment.NewLine}{cluster.OutputOfAll()}");
        await ServingAsync(cluster, To, silos);

        var report = await DrainAndCheckAsync(cluster, started.At);
        AssertSessions(cluster, newStarts: To);
        AssertGaps(report);
    }

    [Fact]
    public async Task A_silo_killed_in_the_middle_of_the_run_loses_and_duplicates_nothing()
    {
        await using var cluster = await CreateClusterAsync();
        var silos = await StartAsync(cluster, "A", "B", "C");

        var started = await StartRunAsync(cluster, silos[0]);
        await WaitForRunAsync(cluster, r => !r.Is("starting"), "the new generation starts identifying");
        await Eventually(() => cluster.Simulator.Ledger.Snapshot().Sessions.Any(s => s.Kind == SessionEventKind.Identified && s.NumShards == To),
            "a shard of the new generation is READY");
        var killedAt = cluster.Time.GetUtcNow();
        await silos[1].SignalAsync(SiloSignal.Kill);
        Assert.True(await silos[1].WaitForExitAsync(TimeSpan.FromSeconds(10)), "B did not die after SIGKILL");
        output.WriteLine($"SIGKILL B {Ms(killedAt - started.At)} after the run started");

        var run = await WaitForRunAsync(cluster, r => r.IsFinished, "the run completes or rolls back");
        var survivors = new[] { silos[0], silos[2] };
        var (_, markers) = await PoppedEnvelopes.ReadAsync(cluster.Redis, $"{cluster.KeyPrefix}:events");
        if (run.Is("completed"))
        {
            await ServingAsync(cluster, To, survivors);
            Assert.Contains(markers, m => PoppedEnvelopes.MarkerName(m) == "resharded");
        }
        else
        {
            // Why it rolled back, from the survivors' logs (the run's own lines).
            foreach (var line in survivors.SelectMany(s => s.RecentOutput.Split(Environment.NewLine)).Where(l => l.Contains("Reshard", StringComparison.Ordinal)))
            {
                output.WriteLine($"  {line}");
            }

            await ServingAsync(cluster, From, survivors);
            Assert.Contains(markers, m => PoppedEnvelopes.MarkerName(m) == "reshard_rolled_back");
        }

        await DrainAndCheckAsync(cluster, started.At);
        output.WriteLine($"run ended {run.State}; a killed shard resumes from its checkpoint, so the per-guild gap includes crash recovery");
        Assert.InRange(NewIdentifies(cluster), run.Is("completed") ? To : 0, 2 * To);
    }

    [Fact]
    public async Task The_automatic_trigger_reshards_when_the_gateway_recommends_more_shards()
    {
        await using var cluster = await CreateClusterAsync(auto: true);
        var silos = await StartAsync(cluster, "A", "B", "C");
        var before = await _admin.GetAsync(silos[0]);
        Assert.True(before is null || before.To != To, $"a run to {To} before the recommendation changed: {before}");

        var recommendedAt = cluster.Time.GetUtcNow();
        using (var http = new HttpClient())
        {
            using var response = await http.PostAsync(
                new Uri($"http://{cluster.Simulator.Host}:{cluster.Simulator.Port}/_sim/recommended-shards"),
                new StringContent($"{{\"shards\":{To}}}", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var run = await WaitForRunAsync(cluster, r => r.To == To && r.IsFinished, "the automatic run to 8 shards finishes");
        Assert.True(run.Is("completed"), $"the automatic run ended {run.State}.{Environment.NewLine}{cluster.OutputOfAll()}");
        Assert.Equal(From, run.From);
        output.WriteLine($"recommended {To} shards; the automatic run completed {Ms(cluster.Time.GetUtcNow() - recommendedAt)} later");
        await ServingAsync(cluster, To, silos);

        await DrainAndCheckAsync(cluster, recommendedAt);
        AssertSessions(cluster, newStarts: To);
    }

    [Fact]
    public async Task A_run_without_the_session_start_budget_is_refused_with_409_and_changes_nothing()
    {
        // 4 identifies of the cold start leave 8; the run needs 8 new sessions + a reserve of at least 1. The
        // coordinator's own reserve is off so the cold start may use the small budget.
        const int DailyTotal = From + To;
        await using var cluster = await CreateClusterAsync(
            configure: o => o.DailyIdentifyTotal = DailyTotal,
            extra: new Dictionary<string, string> { ["Coordinator__BudgetReserve"] = "0" });
        var silos = await StartAsync(cluster, "A");
        int remaining = cluster.Simulator.IdentifyBudgetRemaining;
        Assert.Equal(To, remaining);

        var (status, body, _) = await _admin.StartAsync(silos[0], To);

        output.WriteLine($"POST /admin/reshard {{\"total\":{To}}} with {remaining} session starts left: {(int)status} {body}");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains(To.ToString(CultureInfo.InvariantCulture), body, StringComparison.Ordinal);
        Assert.Contains("remain", body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("reset", body, StringComparison.OrdinalIgnoreCase);

        // Watch for a while for anything the refused run might still start: nothing may change.
        await Task.Delay(TimeSpan.FromSeconds(5), cluster.Time);
        var ledger = cluster.Simulator.Ledger.Snapshot();
        Assert.Equal(From, ledger.Sessions.Count(s => s.Kind == SessionEventKind.Identified));
        Assert.DoesNotContain(ledger.Sessions, s => s.NumShards == To);
        Assert.Equal(remaining, cluster.Simulator.IdentifyBudgetRemaining);
        var run = await _admin.GetAsync(silos[0]);
        Assert.True(run is null || !run.Is("starting") && !run.Is("identifying"), $"a run is active after the refusal: {run}");
        await ServingAsync(cluster, From, silos);
        await DrainAndCheckAsync(cluster, since: null);
    }

    private Task<SiloCluster> CreateClusterAsync(
        bool auto = false, Action<Simulator.SimulatorOptions>? configure = null, IReadOnlyDictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["SHARDER_ADMIN_TOKEN"] = AdminToken,
            ["Gateway__Intents"] = Intents.ToString(CultureInfo.InvariantCulture),
            // The lead must exceed the overlap window (default 2 s): with the default lead of 1 s, T − W lies before
            // the old generation learns T, and a clockless event it received in between is published unmarked
            // while the new generation publishes it marked (seen in this test; reported on the reshard branch).
            ["Reshard__CutoverLead"] = "00:00:03",
            ["Reshard__ReadyTimeout"] = "00:01:30",
            ["Reshard__GuildTimeout"] = "00:00:05",
            ["Reshard__PollInterval"] = "00:00:00.250",
            ["Reshard__Auto"] = auto ? "true" : "false",
            ["Reshard__AutoCheckInterval"] = "00:00:01",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return SiloCluster.CreateAsync(
            redis.ConnectionString,
            From,
            configureSimulator: o =>
            {
                o.World = new() { GuildCount = Guilds };
                configure?.Invoke(o);
            },
            settings: settings);
    }

    /// <summary>Starts the silos, waits for the 4 shards, spreads them and starts the load.</summary>
    private static async Task<SiloProcess[]> StartAsync(SiloCluster cluster, params string[] names)
    {
        var silos = await cluster.StartSilosAsync(names);
        try
        {
            await cluster.Simulator.WaitForShardsReadyAsync(From, SiloCluster.WaitTimeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}{Environment.NewLine}{cluster.OutputOfAll()}", ex);
        }

        await cluster.BalancedOnAsync(silos, $"the {From} shards are spread over {string.Join(", ", names)}");
        cluster.Simulator.StartLoad(EventsPerSecond, Mix());
        await Eventually(async () => (await cluster.PublishedAsync()).Count >= 200, "events reach Redis");
        return silos;
    }

    private async Task<(DateTimeOffset At, ReshardRunResponse Run)> StartRunAsync(SiloCluster cluster, SiloProcess silo)
    {
        var at = cluster.Time.GetUtcNow();
        var (status, body, run) = await _admin.StartAsync(silo, To);
        output.WriteLine($"POST /admin/reshard {{\"total\":{To}}}: {(int)status} {body}");
        Assert.True(status == HttpStatusCode.Accepted, $"expected 202, got {(int)status}: {body}");
        Assert.NotNull(run);
        Assert.Equal((From, To), (run.From, run.To));
        Assert.False(string.IsNullOrEmpty(run.Run), "the run has an id");
        return (at, run);
    }

    /// <summary>Polls <c>GET /admin/reshard</c> on any live silo until <paramref name="condition"/> holds.</summary>
    private async Task<ReshardRunResponse> WaitForRunAsync(SiloCluster cluster, Func<ReshardRunResponse, bool> condition, string because)
    {
        var started = cluster.Time.GetTimestamp();
        ReshardRunResponse? last = null;
        var states = new List<string>();
        while (cluster.Time.GetElapsedTime(started) < RunTimeout)
        {
            foreach (var silo in cluster.Silos.Where(s => !s.HasExited))
            {
                if (await _admin.GetAsync(silo) is not { } run)
                {
                    continue;
                }

                last = run;
                if (states.Count == 0 || states[^1] != run.State)
                {
                    states.Add(run.State ?? "?");
                    output.WriteLine($"  {cluster.Time.GetUtcNow():HH:mm:ss.fff} run {run.Run} {run.From}→{run.To}: {run.State}");
                }

                if (condition(run))
                {
                    return run;
                }

                break;
            }

            await Task.Delay(PollInterval, cluster.Time);
        }

        throw new TimeoutException(
            $"Timed out after {RunTimeout.TotalSeconds} s waiting until {because}; states seen: {string.Join(" → ", states)}; last: {last}"
            + $"{Environment.NewLine}{cluster.OutputOfAll()}");
    }

    /// <summary>Waits until /status reports <paramref name="total"/> in service with every shard Active on <paramref name="silos"/>.</summary>
    private static Task<ClusterStatusResponse> ServingAsync(SiloCluster cluster, int total, IReadOnlyCollection<SiloProcess> silos) =>
        cluster.StatusWhereAsync(s => s.ShardTotal == total && s.AllActiveOn(silos), $"{total} shards are in service and Active", SiloCluster.WaitTimeout);

    /// <summary>
    /// Keeps the load on for a moment after the switch, stops it, waits until the worker's list holds every
    /// event sent to a session, asserts the per-guild check and prints the figures.
    /// </summary>
    private async Task<GuildDeliveryReport> DrainAndCheckAsync(SiloCluster cluster, DateTimeOffset? since)
    {
        int before = cluster.Simulator.Ledger.Snapshot().Produced.Count;
        await Eventually(() => cluster.Simulator.Ledger.Snapshot().Produced.Count >= before + (int)EventsPerSecond, "a second more of load");
        cluster.Simulator.StopLoad();
        GuildDeliveryReport? report = null;
        IReadOnlyList<System.Text.Json.JsonElement> markers = [];
        (DateTimeOffset At, TimeSpan Window)? cutover = null;
        var started = cluster.Time.GetTimestamp();
        while (true)
        {
            (var popped, markers) = await PoppedEnvelopes.ReadAsync(cluster.Redis, $"{cluster.KeyPrefix}:events");
            cutover = markers.Select(PoppedEnvelopes.Cutover).LastOrDefault(c => c is not null);
            report = cluster.Simulator.CheckPerGuild(popped, new GuildDeliveryOptions { GapFrom = since, Cutover = cutover?.At });
            if (report.Ok || cluster.Time.GetElapsedTime(started) > SiloCluster.WaitTimeout)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cluster.Time);
        }

        output.WriteLine($"per guild: {report}");
        foreach (var marker in markers.Where(m => PoppedEnvelopes.MarkerName(m) is "resharded" or "reshard_rolled_back"))
        {
            output.WriteLine($"marker: {marker.GetRawText()}");
        }

        foreach (var violation in report.Violations.Take(20))
        {
            output.WriteLine($"  violation: {violation}");
        }

        if (cutover is { } switched && report.OverlapWindow is { } window)
        {
            // The stated bound: clockless events popped twice were received within W of T (produce → receive
            // latency aside).
            output.WriteLine(
                $"overlap duplicates produced T {(window.First - switched.At).TotalMilliseconds:+0;-0} ms .. T {(window.Last - switched.At).TotalMilliseconds:+0;-0} ms (W = {Ms(switched.Window)})");
            Assert.InRange(window.First, switched.At - switched.Window - LatencySlack, switched.At + switched.Window);
            Assert.InRange(window.Last, switched.At - switched.Window - LatencySlack, switched.At + switched.Window);
        }

        var closes = cluster.Simulator.Ledger.Snapshot().Closes.Where(c => !c.ByServer && c.Code == 1000).Count();
        output.WriteLine($"identified per total: {string.Join(", ", IdentifiedByTotal(cluster).Select(p => $"{p.Key}: {p.Value}"))}; client 1000 closes: {closes}");
        report.AssertOk();
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicates);
        Assert.True(report.IdentityChecked > 0, "identity-carrying events were produced");
        return report;
    }

    /// <summary>8 session starts for the new total, and the 4 old sessions closed by the sharder with 1000.</summary>
    private static void AssertSessions(SiloCluster cluster, int newStarts)
    {
        var ledger = cluster.Simulator.Ledger.Snapshot();
        var old = ledger.Sessions.Where(s => s.Kind == SessionEventKind.Identified && s.NumShards == From).Select(s => s.SessionId!).ToHashSet();
        Assert.Equal(From, old.Count);
        Assert.Equal(newStarts, NewIdentifies(cluster));
        var closedWith1000 = ledger.Closes.Where(c => !c.ByServer && c.Code == 1000 && c.SessionId is { } id && old.Contains(id)).Select(c => c.SessionId).Distinct().Count();
        Assert.Equal(From, closedWith1000);
        Assert.DoesNotContain(cluster.Simulator.Sessions(), s => s.NumShards == From);
    }

    private void AssertGaps(GuildDeliveryReport report)
    {
        foreach (var guild in report.Guilds)
        {
            output.WriteLine($"  guild {guild.GuildId?.ToString(CultureInfo.InvariantCulture) ?? "DM"}: produced {guild.Produced}, popped {guild.Popped}, overlap duplicates {guild.OverlapDuplicates}, gap {Ms(guild.MaxGap)} (baseline {Ms(guild.BaselineGap)})");
        }

        // The simulator's own produce times can hold a longer pause (a loaded test host delays its timer). Then the
        // popped stream has that pause too, give or take the order of the events around it (CI saw 921.58 ms
        // popped against a 921.53 ms baseline): the switch may add at most ReorderSlack to it.
        Assert.All(report.Guilds, guild => Assert.True(
            guild.MaxGap <= (guild.BaselineGap + ReorderSlack > MaxGuildGap ? guild.BaselineGap + ReorderSlack : MaxGuildGap),
            $"guild {guild.GuildId}: gap {Ms(guild.MaxGap)} > {Ms(MaxGuildGap)} (baseline {Ms(guild.BaselineGap)})"));
    }

    private static int NewIdentifies(SiloCluster cluster) => IdentifiedByTotal(cluster).GetValueOrDefault(To);

    private static Dictionary<int, int> IdentifiedByTotal(SiloCluster cluster) =>
        cluster.Simulator.Ledger.Snapshot().Sessions
            .Where(s => s.Kind == SessionEventKind.Identified)
            .GroupBy(s => s.NumShards)
            .ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Messages (snowflake id), edits (edited_timestamp) and joins (joined_at) carry identities; presences, typing and reactions do not.</summary>
    private static EventMix Mix() => new()
    {
        MessageCreate = 0.35,
        MessageUpdate = 0.1,
        GuildMemberAdd = 0.05,
        PresenceUpdate = 0.3,
        TypingStart = 0.1,
        MessageReactionAdd = 0.1,
        MessageBytes = 400,
    };

    private static Task Eventually(Func<bool> condition, string because) =>
        TestKit.Eventually.TrueAsync(condition, SiloCluster.WaitTimeout, because);

    private static Task Eventually(Func<Task<bool>> condition, string because) =>
        TestKit.Eventually.TrueAsync(condition, SiloCluster.WaitTimeout, because);

    private static string Ms(TimeSpan span) => $"{span.TotalMilliseconds:0} ms";
}
