using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Sharder.Simulator.Sessions;
using Sharder.Simulator.Tests.RawClient;

namespace Sharder.Simulator.Tests.Gateway;

/// <summary>R-6.1, R-6.2, R-1.2: identify concurrency per rate-limit key and the daily session-start budget (fake time).</summary>
public sealed class IdentifyLimitTests
{
    private const int WindowMs = 500;

    [Fact]
    public async Task Different_rate_limit_keys_identify_at_once_and_the_same_key_is_rejected_until_the_window_passed()
    {
        var time = new FakeTimeProvider();
        await using var simulator = await SimulatorHarness.StartAsync(o =>
        {
            o.MaxConcurrency = 2;
            o.IdentifyWindowMs = WindowMs;
        }, time);
        await using var shard0 = await HelloClientAsync(simulator);
        await using var shard1 = await HelloClientAsync(simulator);
        await using var shard2 = await HelloClientAsync(simulator);

        await Task.WhenAll(shard0.IdentifyAsync(simulator.Token, 0, 4), shard1.IdentifyAsync(simulator.Token, 1, 4));
        await shard0.WaitForDispatchAsync("READY");
        await shard1.WaitForDispatchAsync("READY");
        var remaining = simulator.IdentifyBudgetRemaining;

        await shard2.IdentifyAsync(simulator.Token, 2, 4);
        Assert.Equal("""{"t":null,"s":null,"op":9,"d":false}""", (await shard2.NextAsync()).Json);
        var violation = Assert.Single(simulator.Ledger.Snapshot().IdentifyViolations);
        Assert.Equal((2, 0), (violation.ShardId, violation.RateLimitKey));
        Assert.Equal(remaining, simulator.IdentifyBudgetRemaining);

        time.Advance(TimeSpan.FromMilliseconds(WindowMs - 1));
        await shard2.IdentifyAsync(simulator.Token, 2, 4);
        Assert.Equal(9, (await shard2.NextAsync()).Op);

        time.Advance(TimeSpan.FromMilliseconds(1));
        await shard2.IdentifyAsync(simulator.Token, 2, 4);
        Assert.Equal(1, (await shard2.WaitForDispatchAsync("READY")).Seq);
        Assert.Equal(remaining - 1, simulator.IdentifyBudgetRemaining);
        Assert.Equal(2, simulator.Ledger.Snapshot().IdentifyViolations.Count);
    }

    [Fact]
    public async Task Exceeding_the_daily_budget_resets_the_token_and_ends_every_session()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o =>
        {
            o.MaxConcurrency = 16;
            o.DailyIdentifyTotal = 2;
        });
        var oldToken = simulator.Token;
        await using var shard0 = await SimulatorHarness.ReadyClientAsync(simulator, 0, 3);
        await using var shard1 = await SimulatorHarness.ReadyClientAsync(simulator, 1, 3);
        Assert.Equal(0, simulator.IdentifyBudgetRemaining);
        await using var shard2 = await HelloClientAsync(simulator);

        await shard2.IdentifyAsync(oldToken, 2, 3);

        Assert.Equal(4004, await shard2.WaitForCloseAsync());
        Assert.Equal(4004, await shard0.WaitForCloseAsync());
        Assert.Equal(4004, await shard1.WaitForCloseAsync());
        Assert.True(simulator.TokenRevoked);
        Assert.Empty(simulator.Sessions());
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetBotAsync(http, simulator, oldToken)).StatusCode);

        var newToken = simulator.RegenerateToken();
        Assert.NotEqual(oldToken, newToken);
        await using var again = await HelloClientAsync(simulator);
        await again.IdentifyAsync(newToken, 2, 3);
        Assert.Equal(1, (await again.WaitForDispatchAsync("READY")).Seq);
        using var response = await GetBotAsync(http, simulator, newToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await LimitAsync(response)).GetProperty("remaining").GetInt32());
    }

    [Fact]
    public async Task Revoked_token_gets_4004_on_resume_and_identify()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o =>
        {
            o.MaxConcurrency = 2;
            o.DailyIdentifyTotal = 1;
        });
        var oldToken = simulator.Token;
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator, 0, 2);
        await using var second = await HelloClientAsync(simulator);
        await second.IdentifyAsync(oldToken, 1, 2);
        Assert.Equal(4004, await first.WaitForCloseAsync());

        await using var resumer = await RawGatewayClient.ConnectAsync(first.ResumeUrl!);
        await resumer.NextAsync();
        await resumer.ResumeAsync(oldToken, first.SessionId!, first.LastSeq!.Value);
        Assert.Equal(4004, await resumer.WaitForCloseAsync());
        await using var identifier = await HelloClientAsync(simulator);
        await identifier.IdentifyAsync(oldToken);
        Assert.Equal(4004, await identifier.WaitForCloseAsync());
    }

    [Fact]
    public async Task Remaining_drops_per_identify_not_per_resume_and_reset_after_starts_at_the_first_identify()
    {
        var time = new FakeTimeProvider();
        await using var simulator = await SimulatorHarness.StartAsync(o =>
        {
            o.DailyIdentifyTotal = 5;
            o.DailyIdentifyWindowMs = 60_000;
        }, time);
        using var http = new HttpClient();

        var before = await LimitAsync(await GetBotAsync(http, simulator, simulator.Token));
        Assert.Equal((5, 5, 0L, 1), Read(before));

        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);
        Assert.Equal((5, 4, 60_000L, 1), Read(await LimitAsync(await GetBotAsync(http, simulator, simulator.Token))));

        time.Advance(TimeSpan.FromMilliseconds(1_500));
        first.Abort();
        await SimulatorHarness.WaitForSessionStateAsync(simulator, first.SessionId!, SessionState.Detached);
        await using var resumed = await SimulatorHarness.ResumedClientAsync(simulator, first);
        Assert.Equal((5, 4, 58_500L, 1), Read(await LimitAsync(await GetBotAsync(http, simulator, simulator.Token))));

        time.Advance(TimeSpan.FromMilliseconds(58_500));
        Assert.Equal((5, 5, 0L, 1), Read(await LimitAsync(await GetBotAsync(http, simulator, simulator.Token))));
    }

    [Fact]
    public async Task Rejected_identify_does_not_charge_the_budget()
    {
        await using var simulator = await SimulatorHarness.StartAsync(o => o.IdentifyWindowMs = 60_000);
        await using var first = await SimulatorHarness.ReadyClientAsync(simulator);
        var remaining = simulator.IdentifyBudgetRemaining;
        await using var second = await HelloClientAsync(simulator);

        await second.IdentifyAsync(simulator.Token);

        Assert.Equal(9, (await second.NextAsync()).Op);
        Assert.Equal(remaining, simulator.IdentifyBudgetRemaining);
        Assert.Equal(SessionState.Attached, SimulatorHarness.StateOf(simulator, first.SessionId!));
    }

    private static (int Total, int Remaining, long ResetAfter, int MaxConcurrency) Read(JsonElement limit) =>
        (limit.GetProperty("total").GetInt32(), limit.GetProperty("remaining").GetInt32(),
            limit.GetProperty("reset_after").GetInt64(), limit.GetProperty("max_concurrency").GetInt32());

    private static async Task<HttpResponseMessage> GetBotAsync(HttpClient http, GatewaySimulator simulator, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, simulator.RestUrl + "/v10/gateway/bot");
        request.Headers.TryAddWithoutValidation("Authorization", "Bot " + token);
        return await http.SendAsync(request);
    }

    private static async Task<JsonElement> LimitAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return body.RootElement.GetProperty("session_start_limit").Clone();
        }
    }

    private static async Task<RawGatewayClient> HelloClientAsync(GatewaySimulator simulator)
    {
        var client = await RawGatewayClient.ConnectAsync(simulator.GatewayUrl);
        Assert.Equal(10, (await client.NextAsync()).Op);
        return client;
    }
}
