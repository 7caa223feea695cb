using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Sharder.Silo.Configuration;

namespace Sharder.Silo.Security;

/// <summary>
/// Requires <see cref="SiloHostOptions.HttpToken"/> on every request except the health probes
/// (<c>/healthz</c>, <c>/readyz</c>), so <c>/status</c>, the dashboard with its API and live log stream, and any
/// route added later are closed by default. Accepts <c>Authorization: Bearer &lt;token&gt;</c>, and HTTP Basic
/// with the token as the password so a browser can open the dashboard (it prompts for it). Does nothing when no
/// token is set. The <c>/admin/</c> routes are left to <see cref="AdminTokenFilter"/> when an admin token is set
/// (a request carries one token, and there it is the admin token).
/// </summary>
internal sealed class HttpTokenMiddleware
{
    private const string Realm = "sharder";

    private readonly RequestDelegate _next;
    private readonly byte[]? _expectedHash;
    private readonly bool _adminHasOwnToken;

    public HttpTokenMiddleware(RequestDelegate next, IOptions<SiloHostOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _next = next;
        _expectedHash = options.Value.HttpToken is { } token ? Hash(token) : null;
        _adminHasOwnToken = options.Value.AdminToken is not null;
    }

    /// <summary>Paths a load balancer or orchestrator probes without credentials; they reveal no state beyond up/ready.</summary>
    internal static bool IsOpen(PathString path)
    {
        // Routing matches "/healthz/" too; the probe must not get a 401 for the slash.
        var value = path.Value is { Length: > 1 } text ? text.TrimEnd('/') : path.Value;
        return string.Equals(value, "/healthz", StringComparison.OrdinalIgnoreCase)
            || string.Equals(value, "/readyz", StringComparison.OrdinalIgnoreCase);
    }

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_expectedHash is null
            || IsOpen(context.Request.Path)
            || (_adminHasOwnToken && AdminTokenFilter.IsAdminPath(context.Request.Path))
            || IsAuthorized(context.Request.Headers.Authorization, _expectedHash))
        {
            return _next(context);
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.Append(HeaderNames.WWWAuthenticate, $"Bearer realm=\"{Realm}\"");
        context.Response.Headers.Append(HeaderNames.WWWAuthenticate, $"Basic realm=\"{Realm}\", charset=\"UTF-8\"");
        return Task.CompletedTask;
    }

    internal static bool IsAuthorized(string? authorization, byte[] expectedHash)
    {
        if (PresentedToken(authorization) is not { } presented)
        {
            return false;
        }

        // Hashing first gives both sides the same length, so the comparison time says nothing about the token.
        return CryptographicOperations.FixedTimeEquals(Hash(presented), expectedHash);
    }

    private static string? PresentedToken(string? authorization)
    {
        if (string.IsNullOrEmpty(authorization))
        {
            return null;
        }

        const string Bearer = "Bearer ";
        const string Basic = "Basic ";
        if (authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return authorization[Bearer.Length..].Trim();
        }

        if (!authorization.StartsWith(Basic, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[Basic.Length..].Trim()));
            int colon = credentials.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : credentials[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    internal static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
