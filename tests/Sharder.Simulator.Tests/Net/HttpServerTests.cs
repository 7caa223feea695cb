using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Sharder.Simulator.Net;
using Xunit;

namespace Sharder.Simulator.Tests.Net;

public sealed class HttpServerTests
{
    [Fact]
    public async Task A_get_request_is_parsed_and_answered_with_the_handler_json()
    {
        HttpRequest? seen = null;
        await using var server = TestServer.Start(handleHttp: (request, _) =>
        {
            seen = request;
            return ValueTask.FromResult(HttpResponse.Json(200, """{"url":"ws://127.0.0.1:1","shards":2}"""));
        });
        using var http = new HttpClient();
        using var message = new HttpRequestMessage(HttpMethod.Get, server.HttpUri("/api/v10/gateway/bot?x=a%20b&y=c+d"));
        message.Headers.Authorization = new AuthenticationHeaderValue("Bot", "secret-token");
        message.Headers.UserAgent.ParseAdd("DiscordBot (https://example.invalid, 1.0)");

        using var response = await http.SendAsync(message).Within("the response");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"url":"ws://127.0.0.1:1","shards":2}""", await response.Content.ReadAsStringAsync());
        Assert.NotNull(seen);
        Assert.Equal("GET", seen.Method);
        Assert.Equal("/api/v10/gateway/bot", seen.Path);
        Assert.Equal("a b", seen.Query["x"]);
        Assert.Equal("c d", seen.Query["y"]);
        Assert.Equal("Bot secret-token", seen.Headers["authorization"]);
        Assert.StartsWith("DiscordBot", seen.Headers["User-Agent"], StringComparison.Ordinal);
        Assert.Equal("test-listener", seen.ListenerName);
        Assert.Empty(seen.Body);
    }

    [Fact]
    public async Task A_request_body_reaches_the_handler()
    {
        byte[]? body = null;
        await using var server = TestServer.Start(handleHttp: (request, _) =>
        {
            body = request.Body;
            return ValueTask.FromResult(HttpResponse.Text(204, string.Empty));
        });
        using var http = new HttpClient();
        var sent = Encoding.UTF8.GetBytes("""{"shards":16}""");

        using var response = await http.PostAsync(server.HttpUri("/_sim/shards"), new ByteArrayContent(sent)).Within("the response");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(sent, body);
    }

    [Fact]
    public async Task Status_and_extra_headers_are_sent()
    {
        await using var server = TestServer.Start(handleHttp: (_, _) => ValueTask.FromResult(
            HttpResponse.Json(429, """{"message":"You are being rate limited.","retry_after":5.0,"global":false}""") with
            {
                Headers = new Dictionary<string, string> { ["Retry-After"] = "5" },
            }));
        using var http = new HttpClient();

        using var response = await http.GetAsync(server.HttpUri("/api/v10/gateway/bot")).Within("the response");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Contains("retry_after", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_handler_answers_500_and_the_server_keeps_serving()
    {
        var calls = 0;
        await using var server = TestServer.Start(handleHttp: (_, _) => Interlocked.Increment(ref calls) == 1
            ? throw new InvalidOperationException("boom")
            : ValueTask.FromResult(HttpResponse.Text(200, "fine")));
        using var http = new HttpClient();

        using var failed = await http.GetAsync(server.HttpUri("/")).Within("the first response");
        using var next = await http.GetAsync(server.HttpUri("/")).Within("the second response");

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal("fine", await next.Content.ReadAsStringAsync());
        Assert.Equal("boom", (await server.Errors.ReadAsync().AsTask().Within("the error report")).Message);
    }

    [Theory]
    [InlineData("NONSENSE\r\n\r\n", "400")]
    [InlineData("GET / HTTP/1.1\r\nBroken header line\r\n\r\n", "400")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 5000000\r\n\r\n", "413")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", "501")]
    public async Task Bad_requests_are_refused(string request, string expectedStatus)
    {
        await using var server = TestServer.Start();

        var head = await SendRawAsync(server.Port, Encoding.ASCII.GetBytes(request));

        Assert.StartsWith($"HTTP/1.1 {expectedStatus} ", head, StringComparison.Ordinal);
        Assert.Contains("Connection: close", head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_head_over_16_KiB_gets_431()
    {
        await using var server = TestServer.Start();
        var request = "GET / HTTP/1.1\r\nX-Filler: " + new string('a', 17 * 1024) + "\r\n\r\n";

        var head = await SendRawAsync(server.Port, Encoding.ASCII.GetBytes(request));

        Assert.StartsWith("HTTP/1.1 431 ", head, StringComparison.Ordinal);
    }

    private static async Task<string> SendRawAsync(int port, byte[] request)
    {
        using var tcp = await RawWebSocketClient.ConnectTcpAsync(port);
        await tcp.GetStream().WriteAsync(request);
        return await RawWebSocketClient.ReadHeadAsync(tcp.GetStream()).Within("the response head");
    }
}
