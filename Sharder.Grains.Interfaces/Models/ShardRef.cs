using System.Globalization;

namespace Sharder.Grains.Interfaces.Models;

/// <summary>
/// A shard's identity: its id and the shard total (the generation) it runs in. During a resharding run two
/// generations are live at once, so shard 3 of 4 and shard 3 of 8 are different shards. The shard grain's
/// key encodes both (<see cref="GrainKey"/>, <see cref="FromGrainKey"/>): the one place that conversion lives.
/// </summary>
/// <param name="Id">The shard id, 0 ≤ id &lt; total.</param>
/// <param name="Total">The shard total of its generation.</param>
[GenerateSerializer]
[Immutable]
public readonly record struct ShardRef([property: Id(0)] int Id, [property: Id(1)] int Total)
{
    /// <summary>The shard grain's key: the total in the high 32 bits, the id in the low 32.</summary>
    public long GrainKey => ((long)Total << 32) | (uint)Id;

    /// <summary>Whether the id lies within the total.</summary>
    public bool IsValid => Total >= 1 && Id >= 0 && Id < Total;

    /// <summary>The shard a grain key names.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The key does not name a shard (no total, or an id outside it).</exception>
    public static ShardRef FromGrainKey(long key)
    {
        var shard = new ShardRef((int)(uint)(key & 0xFFFF_FFFF), (int)(key >> 32));
        if (!shard.IsValid)
        {
            throw new ArgumentOutOfRangeException(
                nameof(key), key, $"Grain key {key} does not name a shard: it encodes shard {shard.Id} of {shard.Total} (use ShardRef.GrainKey).");
        }

        return shard;
    }

    /// <summary>"3/8": shard 3 of 8.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Id}/{Total}");
}
