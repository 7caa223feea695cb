using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Sharder.Simulator.Net;

namespace Sharder.Simulator.Rest;

/// <summary>The fake <c>https://discord.com/api</c>: <c>GET /gateway</c> and <c>GET /gateway/bot</c> (R-1).</summary>
internal sealed class RestApi(SimulatorContext context, Func<string> bootstrapUrl)
{
    private readonly Queue<(RestFault Fault, int Left)> _faults = new();
    private readonly ConcurrentQueue<string> _userAgents = new();

    /// <summary>When set, overrides the recommended <c>shards</c> value (R-1.3, "a changing shards value").</summary>
    public int? ShardsOverride { get; set; }

    public IReadOnlyCollection<string> UserAgents => _userAgents.ToArray();

    public int BotRequests { get; private set; }

    public void AddFault(RestFault fault)
    {
        lock (_faults) _faults.Enqueue((fault, Math.Max(1, fault.Count)));
    }

    public static bool Handles(string path) => Route(path) is not null;

    public async ValueTask<HttpResponse> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        var route = Route(request.Path);
        if (request.Headers.TryGetValue("User-Agent", out var agent)) _userAgents.Enqueue(agent);
        if (request.Method != "GET") return HttpResponse.Json(405, """{"message": "405: Method Not Allowed", "code": 0}""");

        if (TakeFault() is { } fault)
        {
            switch (fault.Kind)
            {
                case RestFaultKind.TooManyRequests:
                    var retry = fault.RetryAfterSeconds.ToString("0.###", CultureInfo.InvariantCulture);
                    return HttpResponse.Json(429, $$"""{"message": "You are being rate limited.", "retry_after": {{retry}}, "global": false}""")
                        with { Headers = new Dictionary<string, string> { ["Retry-After"] = Math.Ceiling(fault.RetryAfterSeconds).ToString(CultureInfo.InvariantCulture) } };
                case RestFaultKind.ServerError:
                    return HttpResponse.Json(fault.Status, """{"message": "Bad Gateway", "code": 0}""");
                case RestFaultKind.Slow:
                    await Task.Delay(TimeSpan.FromMilliseconds(fault.DelayMs), context.Time, ct).ConfigureAwait(false);
                    break;
            }
        }

        var url = bootstrapUrl() + (context.Options.TrailingSlashInUrl ? "/" : "");
        if (route == "gateway") return HttpResponse.Json(200, JsonSerializer.Serialize(new { url }));

        BotRequests++;
        var auth = request.Headers.GetValueOrDefault("Authorization");
        if (auth is null || !auth.StartsWith("Bot ", StringComparison.Ordinal) || !context.App.Authenticates(auth[4..]))
        {
            return HttpResponse.Json(401, """{"message": "401: Unauthorized", "code": 0}""");
        }

        var limiter = context.App.Limiter;
        var shards = ShardsOverride ?? context.World.RecommendedShards(context.Options.GuildsPerShardRecommendation, context.Options.RequiredShardMultiple);
        var body = JsonSerializer.Serialize(new
        {
            url,
            shards,
            session_start_limit = new
            {
                total = limiter.DailyTotal,
                remaining = limiter.Remaining,
                reset_after = limiter.ResetAfterMs,
                max_concurrency = limiter.MaxConcurrency,
            },
        });
        return HttpResponse.Json(200, body);
    }

    private RestFault? TakeFault()
    {
        lock (_faults)
        {
            if (!_faults.TryPeek(out var head)) return null;
            _faults.Dequeue();
            if (head.Left > 1)
            {
                // keep the remaining uses at the front
                var rest = _faults.ToArray();
                _faults.Clear();
                _faults.Enqueue((head.Fault, head.Left - 1));
                foreach (var r in rest) _faults.Enqueue(r);
            }

            return head.Fault;
        }
    }

    /// <summary>Accepts <c>/api/gateway</c>, <c>/api/v9/...</c> and <c>/api/v10/...</c>, with or without a trailing slash.</summary>
    private static string? Route(string path) => path.TrimEnd('/') switch
    {
        "/api/gateway" or "/api/v9/gateway" or "/api/v10/gateway" => "gateway",
        "/api/gateway/bot" or "/api/v9/gateway/bot" or "/api/v10/gateway/bot" => "bot",
        _ => null,
    };
}
