using System.Reflection;
using System.Reflection.Emit;

namespace Sharder.Grains.Tests.Architecture;

/// <summary>
/// The namespaces of one assembly under a root, each with the namespaces it refers to and, for each of those, one
/// example (which type referred to which) so a failure says where to look.
/// </summary>
internal static class NamespaceGraph
{
    private const BindingFlags Everything =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>namespace → (referenced namespace → an example "From -> To").</summary>
    public static Dictionary<string, Dictionary<string, string>> Build(Assembly assembly, string root)
    {
        var graph = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            if (!InRoot(type.Namespace, root))
            {
                continue;
            }

            var edges = Edges(graph, type.Namespace!);
            foreach (var referenced in ReferencedTypes(type).SelectMany(Expand))
            {
                if (referenced.Assembly == assembly && InRoot(referenced.Namespace, root) && referenced.Namespace != type.Namespace)
                {
                    edges.TryAdd(referenced.Namespace!, $"{type.FullName} -> {referenced.FullName}");
                }
            }
        }

        return graph;
    }

    /// <summary>One cycle as a path that starts and ends at the same namespace, or null.</summary>
    public static IReadOnlyList<string>? FindCycle(Dictionary<string, Dictionary<string, string>> graph)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var start in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (Visit(start) is { } cycle)
            {
                return cycle;
            }
        }

        return null;

        IReadOnlyList<string>? Visit(string node)
        {
            var at = path.IndexOf(node);
            if (at >= 0)
            {
                return [.. path.Skip(at), node];
            }

            if (!done.Add(node))
            {
                return null;
            }

            path.Add(node);
            foreach (var next in graph.GetValueOrDefault(node)?.Keys.Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>())
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }
    }

    public static string Explain(Dictionary<string, Dictionary<string, string>> graph, IReadOnlyList<string> cycle)
        => string.Join("\n", cycle.Zip(cycle.Skip(1), (from, to) => graph[from][to]));

    private static bool InRoot(string? ns, string root)
        => ns is not null && (ns == root || ns.StartsWith(root + ".", StringComparison.Ordinal));

    private static Dictionary<string, string> Edges(Dictionary<string, Dictionary<string, string>> graph, string ns)
    {
        if (!graph.TryGetValue(ns, out var edges))
        {
            edges = new Dictionary<string, string>(StringComparer.Ordinal);
            graph[ns] = edges;
        }

        return edges;
    }

    private static IEnumerable<Type> ReferencedTypes(Type type)
    {
        if (type.BaseType is { } baseType)
        {
            yield return baseType;
        }

        foreach (var item in type.GetInterfaces())
        {
            yield return item;
        }

        foreach (var attribute in type.GetCustomAttributesData())
        {
            yield return attribute.AttributeType;
        }

        foreach (var field in type.GetFields(Everything))
        {
            yield return field.FieldType;
        }

        foreach (var property in type.GetProperties(Everything))
        {
            yield return property.PropertyType;
        }

        foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
        {
            foreach (var parameter in method.GetParameters())
            {
                yield return parameter.ParameterType;
            }

            if (method is MethodInfo info)
            {
                yield return info.ReturnType;
            }

            foreach (var referenced in BodyReferences(type, method))
            {
                yield return referenced;
            }
        }
    }

    // Every type a method body names: its locals and the operands of its instructions.
    private static IEnumerable<Type> BodyReferences(Type type, MethodBase method)
    {
        var body = method.GetMethodBody();
        if (body is null)
        {
            yield break;
        }

        foreach (var local in body.LocalVariables)
        {
            yield return local.LocalType;
        }

        var il = body.GetILAsByteArray() ?? [];
        var typeArguments = type.IsGenericType ? type.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var position = 0;
        while (position < il.Length)
        {
            short value = il[position++];
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il[position++]);
            }

            var opCode = OpCodesByValue[value];
            var operandStart = position;
            position += OperandSize(opCode.OperandType, il, position);
            if (opCode.OperandType is not (OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok))
            {
                continue;
            }

            var token = BitConverter.ToInt32(il, operandStart);
            MemberInfo? member;
            try
            {
                member = method.Module.ResolveMember(token, typeArguments, methodArguments);
            }
            catch (ArgumentException)
            {
                continue;
            }

            foreach (var referenced in MemberTypes(member))
            {
                yield return referenced;
            }
        }
    }

    private static IEnumerable<Type> MemberTypes(MemberInfo? member)
    {
        switch (member)
        {
            case Type referenced:
                yield return referenced;
                break;
            case FieldInfo field:
                yield return field.DeclaringType!;
                yield return field.FieldType;
                break;
            case MethodBase called:
                if (called.DeclaringType is { } declaring)
                {
                    yield return declaring;
                }

                foreach (var parameter in called.GetParameters())
                {
                    yield return parameter.ParameterType;
                }

                if (called is MethodInfo info)
                {
                    yield return info.ReturnType;
                    if (info.IsGenericMethod)
                    {
                        foreach (var argument in info.GetGenericArguments())
                        {
                            yield return argument;
                        }
                    }
                }

                break;
        }
    }

    private static int OperandSize(OperandType operand, byte[] il, int position) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, position)),
        _ => 4,
    };

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

        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            foreach (var inner in type.GetGenericArguments().SelectMany(Expand))
            {
                yield return inner;
            }
        }
    }
}
