using System.Reflection;
using Sharder.Grains.Commands;
using Sharder.Grains.Sink;

namespace Sharder.IntegrationTests.Sink;

/// <summary>The Redis output and the command pump stay plain classes: the grains own them, never the reverse.</summary>
public sealed class SinkIsolationTests
{
    private const BindingFlags DeclaredMembers =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Fact]
    public void SinkAndCommandTypes_ReferenceNoOrleansOrGatewayType()
    {
        var types = typeof(RedisEventPublisher).Assembly.GetTypes()
            .Where(t => t.Namespace is "Sharder.Grains.Sink" or "Sharder.Grains.Commands")
            .ToList();

        var offenders = types
            .SelectMany(t => Mentions(t).Where(IsForbidden).Select(m => $"{t.FullName} -> {m.FullName}"))
            .Distinct()
            .ToList();

        Assert.Contains(typeof(CommandPump), types);
        Assert.True(types.Count >= 25, $"expected the sink and command types, found {types.Count}");
        Assert.Empty(offenders);
    }

    private static bool IsForbidden(Type type)
        => type.Assembly.GetName().Name!.Contains("Orleans", StringComparison.OrdinalIgnoreCase)
            || type.Namespace?.StartsWith("Sharder.Grains.Gateway", StringComparison.Ordinal) == true;

    private static IEnumerable<Type> Mentions(Type type)
    {
        var mentioned = new List<Type>(type.GetInterfaces());
        if (type.BaseType is { } baseType)
        {
            mentioned.Add(baseType);
        }

        mentioned.AddRange(type.GetCustomAttributesData().Select(a => a.AttributeType));
        mentioned.AddRange(type.GetFields(DeclaredMembers).Select(f => f.FieldType));
        mentioned.AddRange(type.GetProperties(DeclaredMembers).Select(p => p.PropertyType));
        foreach (var method in type.GetMethods(DeclaredMembers).Cast<MethodBase>().Concat(type.GetConstructors(DeclaredMembers)))
        {
            mentioned.AddRange(method.GetParameters().Select(p => p.ParameterType));
            mentioned.AddRange(method.GetMethodBody()?.LocalVariables.Select(l => l.LocalType) ?? []);
            if (method is MethodInfo info)
            {
                mentioned.Add(info.ReturnType);
            }
        }

        return mentioned.SelectMany(Unwrap);
    }

    private static IEnumerable<Type> Unwrap(Type type)
    {
        yield return type;
        if (type.HasElementType)
        {
            foreach (var inner in Unwrap(type.GetElementType()!))
            {
                yield return inner;
            }
        }

        if (type.IsGenericType)
        {
            foreach (var inner in type.GetGenericArguments().SelectMany(Unwrap))
            {
                yield return inner;
            }
        }
    }
}
