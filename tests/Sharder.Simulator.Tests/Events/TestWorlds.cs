using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Sharder.Simulator.Events;
using Sharder.Simulator.World;

namespace Sharder.Simulator.Tests.Events;

/// <summary>Small worlds and factories for event tests, on a fake clock at a realistic date.</summary>
internal static class TestWorlds
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static (SimWorld World, EventFactory Factory, FakeTimeProvider Time) Create(int guildCount = 10, int seed = 1, GuildCreateSizeMix? sizes = null)
    {
        var time = new FakeTimeProvider(Now);
        var world = new SimWorld(new WorldOptions { GuildCount = guildCount, Seed = seed, GuildCreateSizeMix = sizes ?? GuildCreateSizeMix.SmallOnly() }, time);
        var factory = new EventFactory(world, new EventUidSource(time), time, seed);
        return (world, factory, time);
    }

    /// <summary>Parses <c>d</c> (tests only) and checks that its uid is the event's.</summary>
    public static JsonElement ParseData(SimEvent simEvent) => ParseData(simEvent, simEvent.Data);

    public static JsonElement ParseData(SimEvent simEvent, ReadOnlyMemory<byte> data)
    {
        using var document = JsonDocument.Parse(data);
        var root = document.RootElement.Clone();
        if (root.GetProperty("x_sim_uid").GetInt64() != simEvent.Uid)
        {
            throw new InvalidOperationException($"uid mismatch in {Encoding.UTF8.GetString(data.Span)}");
        }

        if (!SimEventUid.TryRead(data.Span, out long uid) || uid != simEvent.Uid)
        {
            throw new InvalidOperationException("SimEventUid.TryRead did not find the uid.");
        }

        return root;
    }
}
