using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sharder.Silo.Configuration;
using Sharder.Silo.Extensions;
using Sharder.Silo.Security;

namespace Sharder.IntegrationTests.Host;

/// <summary>
/// deploy/kubernetes/ against the silo itself: the manifests are JSON-compatible YAML (read here without a YAML
/// library); the silo container's environment passes the silo's own validation and gives the ports the pod
/// declares; probe paths are routes that need no token; the grace period covers the preStop drain plus
/// Cluster:ShutdownTimeout; every variable is a setting of docs/configuration.md.
/// </summary>
public sealed class KubernetesManifestTests : IDisposable
{
    private const string PodIp = "10.0.0.7";

    /// <summary>The longest prestop-drain.sh runs: until 30 s have passed, plus one status read of at most 5 s.</summary>
    private static readonly TimeSpan PreStopBudget = TimeSpan.FromSeconds(30 + 5);

    private static readonly string Root = FindRepositoryRoot();
    private static readonly string ManifestDirectory = Path.Combine(Root, "deploy", "kubernetes");

    private readonly string _directory = Directory.CreateTempSubdirectory("sharder-k8s-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_manifests_parse_as_json_name_no_namespace_and_hold_the_expected_objects()
    {
        var items = Items();

        Assert.All(items, item => Assert.False(
            item.GetProperty("metadata").TryGetProperty("namespace", out _),
            $"{Describe(item)} names a namespace; the manifests are meant for `kubectl -n <namespace> apply -k`."));
        var kinds = items.Select(Describe).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
            ["Deployment/sharder-silo", "PodDisruptionBudget/sharder-silo", "Service/redis", "Service/sharder-silo", "StatefulSet/sharder-redis"],
            kinds);

        using var kustomization = JsonDocument.Parse(File.ReadAllText(Path.Combine(ManifestDirectory, "kustomization.yaml")));
        var resources = kustomization.RootElement.GetProperty("resources").EnumerateArray().Select(static r => r.GetString()).ToArray();
        Assert.Equal(
            Directory.GetFiles(ManifestDirectory, "*.yaml").Select(Path.GetFileName).Where(static f => f != "kustomization.yaml").Order(StringComparer.Ordinal),
            resources.Order(StringComparer.Ordinal));
        var generated = kustomization.RootElement.GetProperty("configMapGenerator")[0];
        Assert.Equal(PreStopConfigMap(), generated.GetProperty("name").GetString());
        Assert.All(
            generated.GetProperty("files").EnumerateArray(),
            file => Assert.True(File.Exists(Path.Combine(ManifestDirectory, file.GetString()!)), $"{file} is missing"));
    }

    [Fact]
    public async Task The_silo_environment_passes_validation_and_gives_the_declared_ports_and_a_long_enough_grace_period()
    {
        var pod = SiloPodSpec();
        var container = SiloContainer();
        var settings = SettingsFrom(container);

        await using var app = TestSiloHost.Build(settings, _directory);
        app.ValidateSharderSettings();
        var options = app.Services.GetRequiredService<IOptions<SiloHostOptions>>().Value;

        var ports = container.GetProperty("ports").EnumerateArray()
            .ToDictionary(static p => p.GetProperty("name").GetString()!, static p => p.GetProperty("containerPort").GetInt32());
        var expected = new Dictionary<string, int> { ["http"] = options.HttpPort, ["silo"] = options.SiloPort };
        if (options.GatewayPort != 0)
        {
            expected["gateway"] = options.GatewayPort;
        }

        Assert.Equal(expected.OrderBy(static p => p.Key), ports.OrderBy(static p => p.Key));
        Assert.Equal(PodIp, options.AdvertisedIp);
        Assert.Equal("0.0.0.0", options.HttpAddress);
        Assert.NotNull(options.HttpToken);
        Assert.NotNull(options.AdminToken);

        var grace = TimeSpan.FromSeconds(pod.GetProperty("terminationGracePeriodSeconds").GetInt32());
        Assert.True(
            grace > options.ShutdownTimeout + PreStopBudget,
            $"terminationGracePeriodSeconds ({grace.TotalSeconds} s) must exceed the preStop budget ({PreStopBudget.TotalSeconds} s) plus Cluster:ShutdownTimeout ({options.ShutdownTimeout.TotalSeconds} s).");

        var service = Items().Single(static i => Describe(i) == "Service/sharder-silo");
        Assert.All(
            service.GetProperty("spec").GetProperty("ports").EnumerateArray(),
            port => Assert.Contains(port.GetProperty("targetPort").GetString()!, ports.Keys));
    }

    [Fact]
    public async Task Probes_hit_routes_the_silo_maps_without_a_token_on_its_http_port()
    {
        var container = SiloContainer();
        await using var app = TestSiloHost.Build(SettingsFrom(container), _directory);
        var routes = ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(static source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Select(static endpoint => "/" + endpoint.RoutePattern.RawText?.TrimStart('/'))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        foreach (var (probe, path) in new[] { ("readinessProbe", "/readyz"), ("livenessProbe", "/healthz") })
        {
            var httpGet = container.GetProperty(probe).GetProperty("httpGet");
            Assert.Equal(path, httpGet.GetProperty("path").GetString());
            Assert.Equal("http", httpGet.GetProperty("port").GetString());
            Assert.Contains(path, routes);
            Assert.True(HttpTokenMiddleware.IsOpen(path), $"{path} would need the HTTP token; a probe has none.");
        }

        var preStop = container.GetProperty("lifecycle").GetProperty("preStop").GetProperty("exec").GetProperty("command")
            .EnumerateArray().Select(static c => c.GetString()!).ToArray();
        var script = preStop[^1];
        var mount = container.GetProperty("volumeMounts").EnumerateArray()
            .Single(m => script.StartsWith(m.GetProperty("mountPath").GetString()! + "/", StringComparison.Ordinal));
        var volume = SiloPodSpec().GetProperty("volumes").EnumerateArray()
            .Single(v => v.GetProperty("name").GetString() == mount.GetProperty("name").GetString());
        Assert.Equal(PreStopConfigMap(), volume.GetProperty("configMap").GetProperty("name").GetString());
        Assert.True(File.Exists(Path.Combine(ManifestDirectory, Path.GetFileName(script))));
        Assert.Contains("/admin/silos/self/drain", await File.ReadAllTextAsync(Path.Combine(ManifestDirectory, Path.GetFileName(script))), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_variable_is_a_documented_setting_and_secrets_come_from_mounted_files()
    {
        var container = SiloContainer();
        var documentation = File.ReadAllText(Path.Combine(Root, "docs", "configuration.md"));
        var mounts = container.GetProperty("volumeMounts").EnumerateArray().ToArray();
        var secretVolumes = SiloPodSpec().GetProperty("volumes").EnumerateArray()
            .Where(static v => v.TryGetProperty("secret", out _))
            .ToDictionary(static v => v.GetProperty("name").GetString()!, static v => v.GetProperty("secret"));

        foreach (var variable in container.GetProperty("env").EnumerateArray())
        {
            var name = variable.GetProperty("name").GetString()!;
            var key = name.Replace("__", ":", StringComparison.Ordinal);
            Assert.True(documentation.Contains($"`{key}`", StringComparison.Ordinal), $"{name} is not a setting listed in docs/configuration.md.");

            if (!name.EndsWith("_FILE", StringComparison.Ordinal))
            {
                continue;
            }

            // The file a *_FILE variable names is a key of a mounted secret.
            var path = variable.GetProperty("value").GetString()!;
            var mount = mounts.Single(m => path.StartsWith(m.GetProperty("mountPath").GetString()! + "/", StringComparison.Ordinal));
            var secret = secretVolumes[mount.GetProperty("name").GetString()!];
            Assert.Contains(
                Path.GetFileName(path),
                secret.GetProperty("items").EnumerateArray().Select(static i => i.GetProperty("path").GetString()));
        }

        var pdb = Items().Single(static i => i.GetProperty("kind").GetString() == "PodDisruptionBudget").GetProperty("spec");
        Assert.Equal(1, pdb.GetProperty("maxUnavailable").GetInt32());
        var podLabels = SiloPodTemplate().GetProperty("metadata").GetProperty("labels");
        Assert.All(
            pdb.GetProperty("selector").GetProperty("matchLabels").EnumerateObject(),
            label => Assert.Equal(label.Value.GetString(), podLabels.GetProperty(label.Name).GetString()));
    }

    /// <summary>
    /// The container's variables as the silo would see them: the pod IP for the downward API, a Redis address for
    /// the secret reference, and each *_FILE pointed at a file of this test holding a valid secret.
    /// </summary>
    private Dictionary<string, string?> SettingsFrom(JsonElement container)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var secretNumber = 0;
        foreach (var variable in container.GetProperty("env").EnumerateArray())
        {
            var name = variable.GetProperty("name").GetString()!;
            var key = name.Replace("__", ":", StringComparison.Ordinal);
            if (variable.TryGetProperty("value", out var value))
            {
                settings[key] = value.GetString();
                if (name.EndsWith("_FILE", StringComparison.Ordinal))
                {
                    var file = Path.Combine(_directory, Path.GetFileName(value.GetString()!));
                    File.WriteAllText(file, $"secret-{++secretNumber}-{Guid.NewGuid():N}.MTIzNDU2.sekrit\n");
                    settings[key] = file;
                }
            }
            else if (variable.GetProperty("valueFrom").TryGetProperty("fieldRef", out var field))
            {
                Assert.Equal("status.podIP", field.GetProperty("fieldPath").GetString());
                settings[key] = PodIp;
            }
            else
            {
                Assert.Equal("REDIS_ADDR", name);
                settings[key] = "redis:6379,password=0123456789abcdef";
            }
        }

        // Nothing is started (no Redis needed); the ledger prefix only keeps this host apart from the others.
        settings["Coordinator:LedgerKeyPrefix"] = string.Create(CultureInfo.InvariantCulture, $"sharder:k8s-test-{Guid.NewGuid():N}");
        return settings;
    }

    private static string PreStopConfigMap() => "sharder-prestop";

    private static JsonElement SiloPodTemplate()
        => Items().Single(static i => Describe(i) == "Deployment/sharder-silo").GetProperty("spec").GetProperty("template");

    private static JsonElement SiloPodSpec() => SiloPodTemplate().GetProperty("spec");

    private static JsonElement SiloContainer()
        => SiloPodSpec().GetProperty("containers").EnumerateArray().Single(static c => c.GetProperty("name").GetString() == "silo");

    private static string Describe(JsonElement item)
        => $"{item.GetProperty("kind").GetString()}/{item.GetProperty("metadata").GetProperty("name").GetString()}";

    /// <summary>Every object of every manifest (a <c>List</c>'s items in its place).</summary>
    private static List<JsonElement> Items()
    {
        var items = new List<JsonElement>();
        foreach (var file in Directory.GetFiles(ManifestDirectory, "*.yaml").Where(static f => Path.GetFileName(f) != "kustomization.yaml"))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            var root = document.RootElement.Clone();
            items.AddRange(root.GetProperty("kind").GetString() == "List" ? root.GetProperty("items").EnumerateArray() : [root]);
        }

        return items;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sharder.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Sharder.sln above {AppContext.BaseDirectory}.");
    }
}
