using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Sharder.IntegrationTests.MultiProcess;

namespace Sharder.IntegrationTests.Reshard;

/// <summary>
/// <c>POST/GET/DELETE /admin/reshard</c> on a running silo, with the admin token (the design's contract):
/// <c>POST {"total":8}</c> → 202 with the run, 409 for budget / a run already active / a partial range.
/// </summary>
internal sealed class ReshardAdmin(string token)
{
    public const string Route = "admin/reshard";

    public async Task<(HttpStatusCode Status, string Body, ReshardRunResponse? Run)> StartAsync(SiloProcess silo, int total)
    {
        using var request = Request(HttpMethod.Post, JsonContent.Create(new { total }));
        using var response = await silo.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body, response.IsSuccessStatusCode ? Parse(body) : null);
    }

    /// <summary>The current or last run; null when none ran or the silo does not answer.</summary>
    public async Task<ReshardRunResponse?> GetAsync(SiloProcess silo)
    {
        try
        {
            using var request = Request(HttpMethod.Get, content: null);
            using var response = await silo.Http.SendAsync(request);
            return response.StatusCode == HttpStatusCode.OK ? Parse(await response.Content.ReadAsStringAsync()) : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static ReshardRunResponse? Parse(string body)
    {
        using var document = JsonDocument.Parse(body);
        // The run may be the body itself or wrapped ({"run": {...}}) when the body carries more.
        var root = document.RootElement;
        var run = root.TryGetProperty("run", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : root;
        if (run.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return new ReshardRunResponse(
            Text(run, "run") ?? Text(run, "runId"),
            run.TryGetProperty("from", out var from) ? from.GetInt32() : 0,
            run.TryGetProperty("to", out var to) ? to.GetInt32() : 0,
            Text(run, "state"));
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private HttpRequestMessage Request(HttpMethod method, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, new Uri(Route, UriKind.Relative)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}
