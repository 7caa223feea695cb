using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Serialization;
using Sharder.Grains.Coordination;
using static Sharder.Grains.Tests.Coordination.SchedulerFixture;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Tests.Coordination;

/// <summary>
/// The ledger must survive its JSON in Redis (<see cref="RedisIdentifyLedger"/>); the answers travel through grain calls.
/// </summary>
public sealed class CoordinationSerializationTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddSerializer(builder => builder.AddAssembly(typeof(IdentifyLedgerState).Assembly))
        .BuildServiceProvider();

    private readonly IdentifyLedgerState _ledger = BusyLedger();

    [Fact]
    public void The_ledger_round_trips_through_its_stored_json()
    {
        var copy = RoundTrip(_ledger);

        Assert.Equal(_ledger.LastSlotByKey, copy.LastSlotByKey);
        Assert.Equal(_ledger.Pending, copy.Pending);
        Assert.Equal(_ledger with { LastSlotByKey = [], Pending = [] }, copy with { LastSlotByKey = [], Pending = [] });
        Assert.Equal(4, copy.LastSlotByKey.Count);
        Assert.Equal(10, copy.Remaining);
        Assert.Equal(2, copy.Refusals);
        Assert.Equal(1, copy.Missed);
        Assert.Equal(1, copy.Failed);
        Assert.Contains(copy.Pending, grant => grant.Uncertain);
    }

    [Fact]
    public void A_restored_ledger_schedules_exactly_like_the_original()
    {
        var clock = Clock();
        var original = new IdentifyScheduler(_ledger, Settings(), clock);
        var restored = new IdentifyScheduler(RoundTrip(_ledger), Settings(), clock);

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

    private static IdentifyLedgerState RoundTrip(IdentifyLedgerState ledger)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(ledger, LedgerJsonContext.Default.IdentifyLedgerState);
        return JsonSerializer.Deserialize(json, LedgerJsonContext.Default.IdentifyLedgerState)
            ?? throw new InvalidOperationException("the ledger JSON read back as null");
    }

    private static IdentifyLedgerState BusyLedger()
    {
        var clock = new FakeTimeProvider(Start);
        var scheduler = Create(clock, maxConcurrency: 4, total: 1000, remaining: 20, reserve: 10);
        var grants = scheduler.RequestMany(Enumerable.Range(0, 12), 12);
        clock.Advance(TimeSpan.FromMinutes(1));
        scheduler.Request(0, 12, unusedSlot: Start);
        scheduler.ReportIdentifyFailed(1, grants[1].Slot());
        return scheduler.State;
    }
}
