namespace Sharder.Silo.Security;

/// <summary>
/// Puts <see cref="HttpTokenMiddleware"/> in front of the whole pipeline (before routing), so no endpoint, mapped
/// now or later, can be reached around it.
/// </summary>
internal sealed class HttpTokenStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next)
        => app =>
        {
            app.UseMiddleware<HttpTokenMiddleware>();
            next(app);
        };
}
