using System.Net;
using Sharder.Grains.Coordination;
using Sharder.Grains.Options;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Sharder.Grains.Tests.Coordination;

public sealed class GatewayBotClientTests : IDisposable
{
    private const string Token = "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs";

    private const string DocsExample =
        """{"url":"wss://gateway.discord.gg","shards":9,"session_start_limit":{"total":1000,"remaining":999,"reset_after":14400000,"max_concurrency":1}}""";

    private readonly StubHttpHandler _handler = new();
    private readonly DelayWatchingClock _clock = new(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _httpClient;

    public GatewayBotClientTests() => _httpClient = new HttpClient(_handler);

    [Fact]
    public async Task Parses_the_documented_answer()
    {
        _handler.Respond(HttpStatusCode.OK, DocsExample);

        var info = await Client().GetGatewayBotAsync(CancellationToken.None);

        Assert.Equal(
            new GatewayBotInfo(new Uri("wss://gateway.discord.gg"), 9, 1000, 999, TimeSpan.FromHours(4), 1),
            info);
    }

    [Theory]
    [InlineData("https://discord.com/api", "https://discord.com/api/v10/gateway/bot")]
    [InlineData("http://127.0.0.1:5099/api/", "http://127.0.0.1:5099/api/v10/gateway/bot")]
    public async Task Sends_the_bot_token_and_a_discord_user_agent_to_the_v10_route(string apiBase, string expected)
    {
        _handler.Respond(HttpStatusCode.OK, DocsExample);

        await Client(apiBase, token: $"Bot {Token}").GetGatewayBotAsync(CancellationToken.None);

        var request = Assert.Single(_handler.Requests);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal(new Uri(expected), request.Uri);
        Assert.Equal($"Bot {Token}", request.Authorization);
        Assert.StartsWith("DiscordBot (", request.UserAgent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_401_is_an_invalid_token_and_the_message_does_not_contain_it()
    {
        _handler.Respond(HttpStatusCode.Unauthorized, """{"message": "401: Unauthorized", "code": 0}""");

        var error = await Assert.ThrowsAsync<InvalidTokenException>(() => Client().GetGatewayBotAsync(CancellationToken.None));

        Assert.Contains("DISCORD_TOKEN", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token[..10], error.ToString(), StringComparison.Ordinal);
        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task A_429_is_retried_once_after_its_retry_after()
    {
        _handler
            .Respond(HttpStatusCode.TooManyRequests, """{"message":"You are being rate limited.","retry_after":1.5,"global":false}""",
                response => response.Headers.TryAddWithoutValidation("Retry-After", "1.5"))
            .Respond(HttpStatusCode.OK, DocsExample);

        var call = Client().GetGatewayBotAsync(CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(1.5), await _clock.FirstTimerDue);

        _clock.Advance(TimeSpan.FromSeconds(1.5) - TimeSpan.FromMilliseconds(1));
        Assert.False(call.IsCompleted);
        Assert.Single(_handler.Requests);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var info = await call.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(9, info.RecommendedShards);
        Assert.Equal(2, _handler.Requests.Count);
    }

    [Fact]
    public async Task A_429_without_a_header_uses_the_body_retry_after()
    {
        _handler
            .Respond(HttpStatusCode.TooManyRequests, """{"message":"You are being rate limited.","retry_after":0.25,"global":true}""")
            .Respond(HttpStatusCode.OK, DocsExample);

        var call = Client().GetGatewayBotAsync(CancellationToken.None);
        Assert.Equal(TimeSpan.FromMilliseconds(250), await _clock.FirstTimerDue);
        _clock.Advance(TimeSpan.FromMilliseconds(250));

        Assert.Equal(1000, (await call.WaitAsync(TimeSpan.FromSeconds(10))).SessionStartTotal);
    }

    [Fact]
    public async Task A_second_429_throws()
    {
        _handler
            .Respond(HttpStatusCode.TooManyRequests, configure: response => response.Headers.TryAddWithoutValidation("Retry-After", "2"))
            .Respond(HttpStatusCode.TooManyRequests, configure: response => response.Headers.TryAddWithoutValidation("Retry-After", "2"));

        var call = Client().GetGatewayBotAsync(CancellationToken.None);
        await _clock.FirstTimerDue;
        _clock.Advance(TimeSpan.FromSeconds(2));

        var error = await Assert.ThrowsAsync<GatewayBotUnavailableException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal(2, _handler.Requests.Count);
    }

    [Fact]
    public async Task A_429_longer_than_a_minute_is_not_waited_out()
    {
        _handler.Respond(HttpStatusCode.TooManyRequests, configure: response => response.Headers.TryAddWithoutValidation("Retry-After", "3600"));

        var error = await Assert.ThrowsAsync<GatewayBotUnavailableException>(() => Client().GetGatewayBotAsync(CancellationToken.None));

        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.False(_clock.FirstTimerDue.IsCompleted);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.Forbidden)]
    public async Task Other_failures_are_unavailable_with_the_status(HttpStatusCode status)
    {
        _handler.Respond(status);

        var error = await Assert.ThrowsAsync<GatewayBotUnavailableException>(() => Client().GetGatewayBotAsync(CancellationToken.None));

        Assert.Equal(status, error.StatusCode);
        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task A_network_failure_is_unavailable()
    {
        _handler.Throw(new HttpRequestException("Connection refused"));

        var error = await Assert.ThrowsAsync<GatewayBotUnavailableException>(() => Client().GetGatewayBotAsync(CancellationToken.None));

        Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.Null(error.StatusCode);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"url":"wss://gateway.discord.gg","shards":9}""")]
    [InlineData("""{"url":"https://discord.com","shards":9,"session_start_limit":{"total":1000,"remaining":999,"reset_after":0,"max_concurrency":1}}""")]
    [InlineData("""{"url":"wss://gateway.discord.gg","shards":9,"session_start_limit":{"total":1000,"remaining":999,"reset_after":0,"max_concurrency":0}}""")]
    [InlineData("""{"url":"wss://gateway.discord.gg","shards":"9","session_start_limit":{"total":1000,"remaining":999,"reset_after":0,"max_concurrency":1}}""")]
    public async Task An_unreadable_answer_is_unavailable(string body)
    {
        _handler.Respond(HttpStatusCode.OK, body);

        var error = await Assert.ThrowsAsync<GatewayBotUnavailableException>(() => Client().GetGatewayBotAsync(CancellationToken.None));

        Assert.Contains("unreadable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_token_nothing_is_sent()
    {
        await Assert.ThrowsAsync<InvalidTokenException>(() => Client(token: null).GetGatewayBotAsync(CancellationToken.None));

        Assert.Empty(_handler.Requests);
    }

    [Fact]
    public async Task The_simulators_answer_feeds_the_scheduler()
    {
        _handler.Respond(HttpStatusCode.OK,
            """{"url":"ws://127.0.0.1:5099","shards":4,"session_start_limit":{"total":20,"remaining":20,"reset_after":0,"max_concurrency":2}}""");
        var scheduler = new IdentifyScheduler(null, new CoordinatorOptions { BudgetReserve = 0 }, _clock);

        scheduler.ApplyGatewayInfo(await Client("http://127.0.0.1:5099/api").GetGatewayBotAsync(CancellationToken.None));
        var grants = scheduler.RequestMany([0, 1, 2, 3], 4);

        Assert.All(grants, grant => Assert.True(grant.IsGranted));
        Assert.Equal(16, scheduler.State.Remaining);
        Assert.Equal(2, scheduler.State.MaxConcurrency);
    }

    public void Dispose()
    {
        _httpClient.Dispose();
        _handler.Dispose();
    }

    private GatewayBotClient Client(string apiBase = DiscordOptions.DEFAULT_API_BASE_URL, string? token = Token)
        => new(_httpClient, MsOptions.Create(new DiscordOptions { Token = token, ApiBaseUrl = new Uri(apiBase) }), _clock);
}
