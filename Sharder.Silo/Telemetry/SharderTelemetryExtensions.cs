using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Sharder.Grains.Diagnostics;

namespace Sharder.Silo.Telemetry;

/// <summary>OpenTelemetry metrics for the silo: Sharder's meter and Orleans', scraped at <c>/metrics</c>, pushed by OTLP when configured.</summary>
internal static class SharderTelemetryExtensions
{
    /// <summary>Orleans' runtime meter (grain calls, messaging, membership, ...).</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    /// <summary>The standard OpenTelemetry variable; when set (in the environment or <c>.env</c>), metrics are also pushed there.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The service name on every metric, unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "sharder";

    /// <summary>The standard OpenTelemetry variable naming the service.</summary>
    public const string ServiceNameSetting = "OTEL_SERVICE_NAME";

    /// <summary>
    /// Registers the metrics pipeline with the Prometheus exporter (served by <see cref="MapSharderMetrics"/>) and, when
    /// <see cref="OtlpEndpointSetting"/> is set, the OTLP exporter, which reads the other <c>OTEL_EXPORTER_OTLP_*</c>
    /// settings (protocol, headers, interval) itself.
    /// </summary>
    public static IServiceCollection AddSharderTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddHostedService<IdentifyBudgetSampler>();
        services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // An explicit service name would override OTEL_SERVICE_NAME: only name the service when that is unset.
                if (string.IsNullOrWhiteSpace(configuration[ServiceNameSetting]))
                {
                    resource.AddService(ServiceName);
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(SharderInstruments.MeterName, OrleansMeterName);
                metrics.AddPrometheusExporter();
                if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]))
                {
                    metrics.AddOtlpExporter();
                }
            });
        return services;
    }

    /// <summary>
    /// <c>GET /metrics</c> in the Prometheus text format. Like every route but the health probes it sits behind the
    /// HTTP token when one is set: a scraper sends it as <c>Authorization: Bearer</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapSharderMetrics(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        return endpoints;
    }
}
