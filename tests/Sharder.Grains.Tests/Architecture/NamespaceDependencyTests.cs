using Sharder.Grains.Gateway;

namespace Sharder.Grains.Tests.Architecture;

/// <summary>
/// Sharder.Grains' folders (one namespace each) must depend on one another without a cycle, so any folder can be
/// read, tested and moved knowing only what it names. The graph comes from the compiled assembly: signatures,
/// attributes, locals and every type, method or field a method body names.
/// </summary>
public sealed class NamespaceDependencyTests
{
    private static readonly string Root = "Sharder.Grains";

    [Fact]
    public void Every_type_lives_in_the_namespace_of_its_folder()
    {
        var namespaces = NamespaceGraph.Build(typeof(ShardConnection).Assembly, Root).Keys.ToList();

        // Only the folders of Sharder.Grains: a namespace outside them would mean a file declares the wrong one.
        Assert.Contains("Sharder.Grains.Gateway", namespaces);
        Assert.All(namespaces, ns => Assert.True(
            Directory.Exists(Path.Combine(SourceRoot(), Path.Combine(ns.Split('.').Skip(2).ToArray()))),
            $"namespace {ns} has no folder under Sharder.Grains"));
    }

    [Fact]
    public void The_folder_dependency_graph_has_no_cycle()
    {
        var graph = NamespaceGraph.Build(typeof(ShardConnection).Assembly, Root);

        Assert.True(graph.Count > 10, $"the scan found the namespaces: {string.Join(", ", graph.Keys)}");
        Assert.True(graph.Values.Sum(e => e.Count) > 20, "the scan found the dependencies between them");
        var cycle = NamespaceGraph.FindCycle(graph);
        Assert.True(cycle is null, cycle is null ? "" : $"namespace cycle: {string.Join(" -> ", cycle)}\n{NamespaceGraph.Explain(graph, cycle)}");
    }

    private static string SourceRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, Root);
            if (File.Exists(Path.Combine(candidate, Root + ".csproj")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"no {Root} folder above {AppContext.BaseDirectory}");
    }
}
