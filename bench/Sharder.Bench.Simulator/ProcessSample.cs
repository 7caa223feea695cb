using System.Diagnostics;

namespace Sharder.Bench.Simulator;

/// <summary>One reading of the process's clocks, CPU time, garbage collector, memory and threading counters.</summary>
internal readonly record struct ProcessSample(
    long Timestamp,
    TimeSpan CpuTime,
    int Gen0,
    int Gen1,
    int Gen2,
    long AllocatedBytes,
    long WorkingSetBytes,
    long GcHeapBytes,
    long LockContentions,
    long ThreadPoolWorkItems,
    int ThreadPoolThreads)
{
    public static ProcessSample Take(TimeProvider time)
    {
        using var process = Process.GetCurrentProcess();
        return new ProcessSample(
            time.GetTimestamp(),
            process.TotalProcessorTime,
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            GC.GetTotalAllocatedBytes(),
            process.WorkingSet64,
            GC.GetTotalMemory(forceFullCollection: false),
            Monitor.LockContentionCount,
            ThreadPool.CompletedWorkItemCount,
            ThreadPool.ThreadCount);
    }

    /// <summary>Process CPU over the interval as a share of all cores (100 % = every core busy).</summary>
    public static double CpuPercent(ProcessSample from, ProcessSample to, TimeSpan wall) =>
        wall <= TimeSpan.Zero ? 0 : 100.0 * (to.CpuTime - from.CpuTime).TotalSeconds / (wall.TotalSeconds * Environment.ProcessorCount);
}
