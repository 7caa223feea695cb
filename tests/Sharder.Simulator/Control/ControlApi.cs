using System.Text.Json;
using System.Text.Json.Serialization;
using Sharder.Simulator.Faults;
using Sharder.Simulator.Ledger;
using Sharder.Simulator.Net;
using Sharder.Simulator.Rest;

namespace Sharder.Simulator.Control;

/// <summary>
/// The HTTP control API for standalone runs: inspect, drive, inject, read the ledger.
/// Bodies and answers are JSON (camelCase, enums as names). The routes are listed in docs/simulator.md.
/// </summary>
internal sealed class ControlApi(GatewaySimulator simulator)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    public HttpResponse Handle(HttpRequest request)
    {
        try
        {
            return Route(request);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or FormatException or InvalidOperationException or NotSupportedException)
        {
            return Error(400, ex.Message);
        }
    }

    private HttpResponse Route(HttpRequest request)
    {
        var segments = request.Path.Trim('/').Split('/');
        var route = string.Join('/', segments.Skip(1));
        return (request.Method, route) switch
        {
            ("GET", "status") => Ok(new
            {
                restUrl = simulator.RestUrl,
                gatewayUrl = simulator.GatewayUrl,
                resumeUrls = simulator.ResumeUrls,
                token = simulator.Token,
                tokenRevoked = simulator.TokenRevoked,
                guilds = simulator.World.Guilds.Count,
                identifyBudgetRemaining = simulator.IdentifyBudgetRemaining,
                openConnections = simulator.Connections().Count,
                sessions = simulator.Sessions().Count,
            }),
            ("GET", "sessions") => Ok(simulator.Sessions()),
            ("GET", "connections") => Ok(simulator.Connections(request.Query.GetValueOrDefault("closed") == "true")),
            ("GET", "commands") => Ok(simulator.Commands),
            ("GET", "identifies") => Ok(simulator.Identifies),
            ("GET", "user-agents") => Ok(simulator.UserAgents),
            ("GET", "guilds") => Ok(simulator.World.Guilds.Select(g => new { id = g.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), g.Name, g.MemberCount })),
            ("GET", "ledger") => Ok(simulator.Check([], new InvariantOptions()).ToString()),
            ("POST", "ledger/check") => CheckLedger(request),
            ("POST", "emit") => Emit(request),
            ("POST", "load") => Load(request),
            ("POST", "faults") => Fault(request),
            ("POST", "rest-faults") => RestFault(request),
            ("POST", "recommended-shards") => RecommendedShards(request),
            ("POST", "token/regenerate") => Ok(new { token = simulator.RegenerateToken() }),
            ("GET", "deviations") => Ok(Deviations()),
            ("POST", "deviations") => SetDeviations(request),
            _ when segments.Length == 4 && segments[1] == "connections" && segments[3] == "transcript" && long.TryParse(segments[2], out var id)
                => Ok(simulator.Transcript(id)),
            _ when request.Method == "POST" && segments.Length == 4 && segments[1] == "guilds" && ulong.TryParse(segments[2], out var guildId)
                => Guild(guildId, segments[3]),
            _ => Error(404, $"no control route {request.Method} {request.Path}"),
        };
    }

    private HttpResponse CheckLedger(HttpRequest request)
    {
        var records = Read<List<SinkRecord>>(request) ?? [];
        var report = simulator.Check(records);
        return Ok(new { ok = report.Ok, summary = report.ToString(), violations = report.Violations });
    }

    private HttpResponse Emit(HttpRequest request)
    {
        var body = Read<EmitRequest>(request) ?? new EmitRequest();
        if (body.Type is null)
        {
            simulator.EmitMany(Math.Max(1, body.Count));
            return Ok(new { emitted = Math.Max(1, body.Count) });
        }

        for (var i = 0; i < Math.Max(1, body.Count); i++)
        {
            simulator.Emit(body.Type == "MESSAGE_CREATE" && body.Data is null
                ? simulator.Events.MessageCreate(body.GuildId)
                : simulator.Events.Custom(body.Type, body.GuildId, body.Data ?? "{}"));
        }

        return Ok(new { emitted = Math.Max(1, body.Count) });
    }

    private HttpResponse Load(HttpRequest request)
    {
        var body = Read<LoadRequest>(request) ?? throw new ArgumentException("body {\"eventsPerSecond\": N} required");
        if (body.EventsPerSecond <= 0) simulator.StopLoad();
        else simulator.StartLoad(body.EventsPerSecond);
        return Ok(new { eventsPerSecond = Math.Max(0, body.EventsPerSecond) });
    }

    private HttpResponse Fault(HttpRequest request)
    {
        var spec = Read<FaultSpec>(request) ?? throw new ArgumentException("a FaultSpec body is required");
        return Ok(new { applied = simulator.Inject(spec) });
    }

    private HttpResponse RestFault(HttpRequest request)
    {
        var fault = Read<RestFault>(request) ?? throw new ArgumentException("a RestFault body is required");
        simulator.InjectRest(fault);
        return Ok(new { queued = fault.Count });
    }

    private HttpResponse RecommendedShards(HttpRequest request)
    {
        var body = Read<ShardsRequest>(request);
        simulator.SetRecommendedShards(body?.Shards);
        return Ok(new { shards = body?.Shards });
    }

    /// <summary>Switches the deviations from Discord (READY s:0, reused session ids, the bad-token close code); absent fields stay.</summary>
    private HttpResponse SetDeviations(HttpRequest request)
    {
        var body = Read<DeviationsRequest>(request) ?? throw new ArgumentException("a body such as {\"readySequenceZero\":true} is required");
        if (body.BadTokenCloseCode is < 1000 or > 4999)
        {
            throw new ArgumentException($"badTokenCloseCode must be within 1000..4999 (was {body.BadTokenCloseCode}).");
        }

        var options = simulator.Options;
        options.ReadySequenceZero = body.ReadySequenceZero ?? options.ReadySequenceZero;
        options.ReuseSessionIds = body.ReuseSessionIds ?? options.ReuseSessionIds;
        options.BadTokenCloseCode = body.BadTokenCloseCode ?? options.BadTokenCloseCode;
        return Ok(Deviations());
    }

    private DeviationsRequest Deviations() =>
        new(simulator.Options.ReadySequenceZero, simulator.Options.ReuseSessionIds, simulator.Options.BadTokenCloseCode);

    private HttpResponse Guild(ulong guildId, string action)
    {
        switch (action)
        {
            case "outage":
                simulator.GuildOutage(guildId);
                break;
            case "recover":
                simulator.GuildRecovered(guildId);
                break;
            default:
                return Error(404, $"unknown guild action '{action}'");
        }

        return Ok(new { guildId = guildId.ToString(System.Globalization.CultureInfo.InvariantCulture), action });
    }

    private static T? Read<T>(HttpRequest request) =>
        request.Body.Length == 0 ? default : JsonSerializer.Deserialize<T>(request.Body, Json);

    private static HttpResponse Ok(object? value) => HttpResponse.Json(200, JsonSerializer.Serialize(value, Json));

    private static HttpResponse Error(int status, string message) => HttpResponse.Json(status, JsonSerializer.Serialize(new { error = message }, Json));

    private sealed record EmitRequest(string? Type = null, ulong? GuildId = null, string? Data = null, int Count = 1);

    private sealed record LoadRequest(double EventsPerSecond);

    private sealed record ShardsRequest(int? Shards);

    private sealed record DeviationsRequest(bool? ReadySequenceZero = null, bool? ReuseSessionIds = null, int? BadTokenCloseCode = null);
}
