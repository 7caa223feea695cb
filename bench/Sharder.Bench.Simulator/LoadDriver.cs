using Sharder.Simulator;
using Sharder.Simulator.Events;

namespace Sharder.Bench.Simulator;

/// <summary>
/// Producer tasks that call <c>simulator.Emit(simulator.Events.Next(mix))</c> in batches as fast as the
/// back-pressure allows, until the token fires.
/// </summary>
internal sealed class LoadDriver(GatewaySimulator simulator, EventMix mix, int producers, int eventsPerBatch, DispatchBackpressure backpressure)
{
    /// <summary>A MESSAGE_CREATE-heavy mix whose messages are about <paramref name="messageBytes"/> in size.</summary>
    public static EventMix MessageHeavyMix(int messageBytes) => new()
    {
        MessageCreate = 0.8,
        PresenceUpdate = 0.15,
        TypingStart = 0.05,
        MessageBytes = messageBytes,
    };

    /// <summary>Runs the producers until <paramref name="stop"/> fires; returns the number of events emitted.</summary>
    public async Task<long> RunAsync(CancellationToken stop)
    {
        var tasks = Enumerable.Range(0, producers).Select(_ => Task.Run(() => ProduceAsync(stop), CancellationToken.None)).ToArray();
        var counts = await Task.WhenAll(tasks);
        return counts.Sum();
    }

    private async Task<long> ProduceAsync(CancellationToken stop)
    {
        long emitted = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await backpressure.WaitForRoomAsync(stop);
                for (var i = 0; i < eventsPerBatch; i++) simulator.Emit(simulator.Events.Next(mix));
                backpressure.OnProduced(eventsPerBatch);
                emitted += eventsPerBatch;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The load window is over.
        }

        return emitted;
    }
}
