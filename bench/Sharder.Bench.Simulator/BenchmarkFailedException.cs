namespace Sharder.Bench.Simulator;

/// <summary>The run could not produce a valid measurement (shards not READY, connections failed, events lost).</summary>
internal sealed class BenchmarkFailedException(string message) : Exception(message);
