using System.Reflection;
using Sharder.Grains.Gateway;

namespace Sharder.Grains.Tests.Gateway;

/// <summary>The gateway client must stay free of Orleans: the grain owns it, not the other way round.</summary>
public sealed class GatewayIsolationTests
{
    private const BindingFlags Everything =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Fact]
    public void No_gateway_type_mentions_an_Orleans_type()
    {
        var gatewayTypes = typeof(ShardConnection).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("Sharder.Grains.Gateway", StringComparison.Ordinal) == true)
            .ToList();

        var offenders = gatewayTypes
            .SelectMany(t => ReferencedTypes(t).Where(IsOrleans).Select(r => $"{t.FullName} -> {r.FullName}"))
            .Distinct()
            .ToList();

        Assert.True(gatewayTypes.Count > 30, "the reflection scan found the gateway types");
        Assert.Empty(offenders);
    }

    private static bool IsOrleans(Type type) =>
        type.Assembly.GetName().Name!.Contains("Orleans", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<Type> ReferencedTypes(Type type)
    {
        var found = new List<Type>();
        if (type.BaseType is { } baseType)
        {
            found.Add(baseType);
        }

        found.AddRange(type.GetInterfaces());
        found.AddRange(type.GetCustomAttributesData().Select(a => a.AttributeType));
        foreach (var field in type.GetFields(Everything))
        {
            found.Add(field.FieldType);
        }

        foreach (var property in type.GetProperties(Everything))
        {
            found.Add(property.PropertyType);
        }

        foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
        {
            found.AddRange(method.GetParameters().Select(p => p.ParameterType));
            found.AddRange(method.GetCustomAttributesData().Select(a => a.AttributeType));
            if (method is MethodInfo info)
            {
                found.Add(info.ReturnType);
            }

            found.AddRange(method.GetMethodBody()?.LocalVariables.Select(l => l.LocalType) ?? []);
        }

        return found.SelectMany(Expand);
    }

    private static IEnumerable<Type> Expand(Type type)
    {
        yield return type;
        if (type.HasElementType)
        {
            foreach (var inner in Expand(type.GetElementType()!))
            {
                yield return inner;
            }
        }

        if (type.IsGenericType)
        {
            foreach (var inner in type.GetGenericArguments().SelectMany(Expand))
            {
                yield return inner;
            }
        }
    }
}
