using Sharder.Client.Commands;
using Sharder.Client.Consuming;
using StackExchange.Redis;

namespace Sharder.Worker;

/// <summary>Connects, then consumes the event list the reliable way (default) or with plain BLPOP until stopped.</summary>
internal static class WorkerRunner
{
    public static async Task RunAsync(WorkerSettings settings, CancellationToken stopping)
    {
        var configuration = ConfigurationOptions.Parse(settings.RedisAddress);
        configuration.AbortOnConnectFail = false;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        var printer = new EventPrinter(settings.Name, new CommandSender(redis, settings.Prefix), Console.Out);
        string mode = settings.Reliable ? "reliable: BLMOVE + ack, at least once" : "simple: BLPOP, at most once";
        Console.WriteLine($"{settings.Name}: waiting for events on {settings.EventsKey} at {configuration.EndPoints.First()} ({mode})");

        if (!settings.Reliable)
        {
            await using var simple = await SimpleConsumer.ConnectAsync(configuration, [settings.EventsKey]);
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    if (await simple.ReceiveAsync(stopping) is { } delivery)
                    {
                        await printer.HandleAsync(delivery, stopping);
                    }
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    break;
                }
            }

            return;
        }

        var options = new ReliableConsumerOptions { List = settings.EventsKey, ConsumerName = settings.Name, Lease = settings.Lease };
        await using var consumer = await ReliableConsumer.StartAsync(redis, options, configuration, cancellationToken: stopping);
        await consumer.RunAsync(printer.HandleAsync, stopping);
        long released = await consumer.ReleaseAsync();
        Console.WriteLine($"{settings.Name}: stopped; {released} unacknowledged entries handed back, {consumer.Duplicates} duplicates dropped");
    }
}
