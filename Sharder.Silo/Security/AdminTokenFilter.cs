using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Sharder.Silo.Configuration;

namespace Sharder.Silo.Security;

/// <summary>
/// Guards the <c>/admin/</c> routes with <see cref="SiloHostOptions.AdminToken"/>: 404 when none is set (the
/// routes are off; an open cluster never lets anyone move shards), 401 with a Bearer challenge when the request
/// does not carry it. Compared in constant time, as <see cref="HttpTokenMiddleware"/> does.
/// </summary>
internal sealed class AdminTokenFilter : IEndpointFilter
{
    public const string Prefix = "/admin";

    private readonly byte[]? _expectedHash;

    public AdminTokenFilter(IOptions<SiloHostOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _expectedHash = options.Value.AdminToken is { } token ? HttpTokenMiddleware.Hash(token) : null;
    }

    internal static bool IsAdminPath(PathString path) => path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (_expectedHash is null)
        {
            return ValueTask.FromResult<object?>(Results.Problem(
                detail: $"The admin routes are off: set {SiloHostOptions.SHARDER_ADMIN_TOKEN} (or {SiloHostOptions.SHARDER_ADMIN_TOKEN}_FILE) to turn them on.",
                statusCode: StatusCodes.Status404NotFound));
        }

        if (!HttpTokenMiddleware.IsAuthorized(context.HttpContext.Request.Headers.Authorization, _expectedHash))
        {
            context.HttpContext.Response.Headers.Append(HeaderNames.WWWAuthenticate, "Bearer realm=\"sharder-admin\"");
            return ValueTask.FromResult<object?>(Results.Unauthorized());
        }

        return next(context);
    }
}
