using System.Collections.Frozen;

namespace Sharder.Silo.Extensions;

/// <summary>
/// The shard status page: <c>GET /</c> and its stylesheet and script under <c>/status-page/</c>, embedded in the
/// assembly (no files on disk, no front-end build). The page itself only reads <c>/status</c>.
/// </summary>
internal static class StatusPageEndpoint
{
    private const string ResourcePrefix = "Sharder.Silo.StatusPage.";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["status.css"] = "text/css; charset=utf-8",
        ["status.js"] = "text/javascript; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // Read once: the files are a few KiB and never change while the process runs.
    private static readonly FrozenDictionary<string, byte[]> Files = ContentTypes.Keys.ToFrozenDictionary(
        static name => name, static name => Read(name), StringComparer.Ordinal);

    public static IEndpointRouteBuilder MapStatusPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", static () => Serve("index.html"));
        endpoints.MapGet("/status-page/{file}", static (string file) => Serve(file));
        return endpoints;
    }

    private static IResult Serve(string file)
        => Files.TryGetValue(file, out var content) ? Results.Bytes(content, ContentTypes[file]) : Results.NotFound();

    private static byte[] Read(string name)
    {
        using var stream = typeof(StatusPageEndpoint).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"The status page file {name} is not embedded in the silo.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
