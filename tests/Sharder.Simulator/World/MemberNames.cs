using System.Globalization;
using System.Text;

namespace Sharder.Simulator.World;

/// <summary>Usernames of simulated members: a prefix from a small list plus the member index (prefix queries work).</summary>
internal static class MemberNames
{
    private static readonly string[] s_prefixes =
    [
        "amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "haven",
        "iris", "juniper", "kite", "lumen", "maple", "nova", "onyx", "pixel",
    ];

    private static readonly byte[][] s_prefixUtf8 = [.. s_prefixes.Select(Encoding.UTF8.GetBytes)];

    internal static string Username(int memberIndex) =>
        s_prefixes[memberIndex % s_prefixes.Length] + memberIndex.ToString(CultureInfo.InvariantCulture);

    /// <summary>UTF-8 prefix of <see cref="Username"/>; the index digits follow it.</summary>
    internal static ReadOnlyMemory<byte> PrefixUtf8(int memberIndex) => s_prefixUtf8[memberIndex % s_prefixUtf8.Length];
}
