using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Serialization;
using Orleans.Storage;
using Sharder.Grains.Coordination;
using static Sharder.Grains.Tests.Coordination.SchedulerFixture;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Sharder.Grains.Tests.Coordination;

/// <summary>
/// The ledger must survive grain storage (Newtonsoft JSON is the default storage serializer, System.Text.Json
/// and the Orleans binary serializer are the alternatives); the answers travel through grain calls.
/// </summary>
public sealed class CoordinationSerializationTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddSerializer(builder => builder.AddAssembly(typeof(IdentifyLedgerState).Assembly))
        .BuildServiceProvider();

    private readonly IdentifyLedgerState _ledger = BusyLedger();

    public static TheoryData<string> StorageSerializers => ["orleans", "newtonsoft", "system.text.json"];

    [Theory]
    [MemberData(nameof(StorageSerializers))]
    public void The_ledger_round_trips_through_grain_storage(string serializerName)
    {
        var serializer = StorageSerializer(serializerName);

        var copy = serializer.Deserialize<IdentifyLedgerState>(serializer.Serialize(_ledger));

        Assert.NotNull(copy);
        AssertSameLedger(_ledger, copy);
    }

    [Fact]
    public void A_restored_ledger_schedules_exactly_like_the_original()
    {
        var clock = Clock();
        var serializer = StorageSerializer("newtonsoft");
        var original = new IdentifyScheduler(_ledger, Settings(), clock);
        var restored = new IdentifyScheduler(
            serializer.Deserialize<IdentifyLedgerState>(serializer.Serialize(_ledger)), Settings(), clock);

        Assert.Equal(original.RequestMany([0, 1, 2, 3], 4), restored.RequestMany([0, 1, 2, 3], 4));
    }

    [Fact]
    public void Grants_refusals_and_status_round_trip_through_the_orleans_serializer()
    {
        var serializer = _services.GetRequiredService<Serializer>();
        var granted = IdentifyGrant.Granted(7, 3, Start, Start.AddMilliseconds(250), Start.AddMilliseconds(-5));
        var refused = IdentifyGrant.Refused(8, 0, Start.AddHours(2), IdentifyRefusalReason.BudgetExhausted, Start);
        var status = Create(new FakeTimeProvider(Start), maxConcurrency: 2).GetStatus();

        Assert.Equal(granted, serializer.Deserialize<IdentifyGrant>(serializer.SerializeToArray(granted)));
        Assert.Equal(refused, serializer.Deserialize<IdentifyGrant>(serializer.SerializeToArray(refused)));
        var statusCopy = serializer.Deserialize<IdentifyStatus>(serializer.SerializeToArray(status));
        Assert.NotNull(statusCopy);
        Assert.Equal(status with { NextFreeSlotByKey = statusCopy.NextFreeSlotByKey }, statusCopy);
        Assert.Equal<DateTimeOffset>(status.NextFreeSlotByKey, statusCopy.NextFreeSlotByKey);
    }

    public void Dispose() => _services.Dispose();

    private IGrainStorageSerializer StorageSerializer(string name) => name switch
    {
        "orleans" => new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()),
        "newtonsoft" => new JsonGrainStorageSerializer(new OrleansJsonSerializer(MsOptions.Create(new OrleansJsonSerializerOptions()))),
        "system.text.json" => new SystemTextJsonGrainStorageSerializer(MsOptions.Create(new SystemTextJsonGrainStorageSerializerOptions())),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static IdentifyLedgerState BusyLedger()
    {
        var clock = new FakeTimeProvider(Start);
        var scheduler = Create(clock, maxConcurrency: 4, total: 1000, remaining: 20, reserve: 10);
        scheduler.RequestMany(Enumerable.Range(0, 12), 12);
        clock.Advance(TimeSpan.FromMinutes(1));
        scheduler.Request(0, 12, unusedSlot: Start);
        return scheduler.State;
    }

    private static void AssertSameLedger(IdentifyLedgerState expected, IdentifyLedgerState actual)
    {
        Assert.Equal(expected.LastSlotByKey, actual.LastSlotByKey);
        Assert.Equal(expected with { LastSlotByKey = [] }, actual with { LastSlotByKey = [] });
        Assert.Equal(4, actual.LastSlotByKey.Count);
        Assert.Equal(10, actual.Remaining);
        Assert.Equal(2, actual.Refusals);
        Assert.Equal(1, actual.Missed);
    }
}
