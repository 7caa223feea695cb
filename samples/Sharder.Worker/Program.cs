using System.Runtime.InteropServices;
using Sharder.Worker;

// Sample Sharder worker: prints every event and marker, answers "!ping" with a gateway command.
//   REDIS_ADDR=127.0.0.1:6379 dotnet run --project samples/Sharder.Worker
// Settings: REDIS_ADDR, SHARDER_PREFIX (sharder), SHARDER_EVENTS_KEY ({prefix}:events), WORKER_NAME,
// WORKER_MODE (reliable | simple), WORKER_LEASE_SECONDS (30). docs/workers.md explains the rest.
WorkerSettings settings;
try
{
    settings = WorkerSettings.FromEnvironment();
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"worker: {ex.Message}");
    return 2;
}

using var stopping = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stopping.Cancel(); });
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stopping.Cancel(); });
await WorkerRunner.RunAsync(settings, stopping.Token);
return 0;
