using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sharder.Grains.Options;

namespace Sharder.Grains.Coordination;

/// <summary>
/// Reads <c>GET {ApiBaseUrl}/v10/gateway/bot</c>: the gateway URL, the recommended shard count and the
/// session-start budget. A 401 throws <see cref="InvalidTokenException"/>; a 429 is retried once after its
/// <c>Retry-After</c>; anything else that fails throws <see cref="GatewayBotUnavailableException"/>.
/// </summary>
internal sealed class GatewayBotClient
{
    /// <summary>User-Agent in the <c>DiscordBot ($url, $version)</c> form Discord requires for REST.</summary>
    public const string UserAgent = "DiscordBot (https://github.com/sharder, 1.0) Sharder";

    /// <summary>A rate limit longer than this is not waited out inside one call (it means a longer ban).</summary>
    internal static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(60);

    /// <summary>Wait used when a 429 names no retry time.</summary>
    internal static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    private const string Route = "/v10/gateway/bot";

    private readonly HttpClient _httpClient;
    private readonly IOptions<DiscordOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public GatewayBotClient(
        HttpClient httpClient,
        IOptions<DiscordOptions> options,
        TimeProvider timeProvider,
        ILogger<GatewayBotClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _httpClient = httpClient;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger ?? NullLogger<GatewayBotClient>.Instance;
    }

    /// <exception cref="InvalidTokenException">No token is configured, or Discord rejected it.</exception>
    /// <exception cref="GatewayBotUnavailableException">Discord could not be asked or gave no usable answer.</exception>
    public async Task<GatewayBotInfo> GetGatewayBotAsync(CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var token = options.Token ?? throw new InvalidTokenException(
            $"{DiscordOptions.DISCORD_TOKEN} is not set; set it to the bot token before reading /gateway/bot.");
        var uri = new Uri(options.ApiBaseUrl.AbsoluteUri.TrimEnd('/') + Route);

        for (var attempt = 1; ; attempt++)
        {
            using var response = await SendAsync(uri, token, cancellationToken).ConfigureAwait(false);
            switch (response.StatusCode)
            {
                case HttpStatusCode.TooManyRequests:
                    var retryAfter = await ReadRetryAfterAsync(response, cancellationToken).ConfigureAwait(false);
                    if (attempt > 1 || retryAfter > MaxRetryAfter)
                    {
                        throw new GatewayBotUnavailableException(
                            $"GET {Route} is rate limited (HTTP 429, retry after {retryAfter}).", response.StatusCode);
                    }

                    CoordinationLog.GatewayBotRateLimited(_logger, retryAfter);
                    await Task.Delay(retryAfter, _timeProvider, cancellationToken).ConfigureAwait(false);
                    continue;

                case HttpStatusCode.Unauthorized:
                    throw new InvalidTokenException(
                        $"Discord rejected the bot token (HTTP 401 on GET {Route}). Set {DiscordOptions.DISCORD_TOKEN} "
                        + "to the current token from the Developer Portal; a token that used to work may have been reset "
                        + "by Discord (for example after the daily Identify limit was exceeded).");

                case var status when !response.IsSuccessStatusCode:
                    throw new GatewayBotUnavailableException(
                        $"GET {Route} failed with HTTP {(int)status} ({status}).", status);
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return Parse(body);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Uri uri, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bot", token);
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        try
        {
            return await _httpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new GatewayBotUnavailableException($"GET {Route} could not reach Discord: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new GatewayBotUnavailableException($"GET {Route} timed out.", ex);
        }
    }

    private async Task<TimeSpan> ReadRetryAfterAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // Discord sends seconds, possibly fractional, which the typed header parser rejects; read it raw.
        if (response.Headers.NonValidated.TryGetValues("Retry-After", out var values))
        {
            foreach (var value in values)
            {
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
                {
                    return TimeSpan.FromSeconds(seconds);
                }

                if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                {
                    var wait = at - _timeProvider.GetUtcNow();
                    return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
                }
            }
        }

        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("retry_after", out var retryAfter)
                && retryAfter.TryGetDouble(out var seconds)
                && seconds >= 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }
        }
        catch (JsonException)
        {
            // No readable body: fall back to the default wait.
        }

        return DefaultRetryAfter;
    }

    private static GatewayBotInfo Parse(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var limit = root.GetProperty("session_start_limit");
            var url = root.GetProperty("url").GetString();
            var info = new GatewayBotInfo(
                Url: Uri.TryCreate(url, UriKind.Absolute, out var parsed) ? parsed : throw Unreadable("url is not an absolute URL"),
                RecommendedShards: root.GetProperty("shards").GetInt32(),
                SessionStartTotal: limit.GetProperty("total").GetInt32(),
                SessionStartRemaining: limit.GetProperty("remaining").GetInt32(),
                SessionStartResetAfter: TimeSpan.FromMilliseconds(limit.GetProperty("reset_after").GetDouble()),
                MaxConcurrency: limit.GetProperty("max_concurrency").GetInt32());

            if (info.Url.Scheme != Uri.UriSchemeWs && info.Url.Scheme != Uri.UriSchemeWss)
            {
                throw Unreadable("url is not a ws:// or wss:// URL");
            }

            if (info.RecommendedShards < 1 || info.MaxConcurrency < 1 || info.SessionStartTotal < 0
                || info.SessionStartRemaining < 0 || info.SessionStartResetAfter < TimeSpan.Zero)
            {
                throw Unreadable("a number is out of range");
            }

            return info;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new GatewayBotUnavailableException($"GET {Route} returned an unreadable body: {ex.Message}", ex);
        }
    }

    private static GatewayBotUnavailableException Unreadable(string problem)
        => new($"GET {Route} returned an unreadable body: {problem}.");
}
