using System.Diagnostics;
using System.Globalization;
using Sharder.TestKit.Redis;
using StackExchange.Redis;

namespace Sharder.Bench.EndToEnd;

/// <summary>Redis' own ceiling for the run: redis-benchmark's pipelined RPUSH against the benchmark's server.</summary>
internal static class RedisCeiling
{
    /// <summary>redis-benchmark pipelined RPUSH of <paramref name="valueBytes"/>-byte values: requests/s and redis-server's CPU-seconds.</summary>
    public static async Task<(double PerSecond, double RedisCpuSeconds)> PipelinedRpushAsync(RedisServer redis, int requests, int valueBytes, string logDirectory)
    {
        int pid = redis.ProcessId ?? throw new InvalidOperationException("redis-server is not running");
        double cpu0 = ProcessStats.CpuSeconds(pid);
        var info = new ProcessStartInfo("redis-benchmark",
            ["-p", redis.Port.ToString(CultureInfo.InvariantCulture), "-t", "rpush", "-n", requests.ToString(CultureInfo.InvariantCulture),
             "-P", "64", "-c", "50", "-d", valueBytes.ToString(CultureInfo.InvariantCulture), "--csv"])
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var bench = Process.Start(info) ?? throw new InvalidOperationException("redis-benchmark did not start");
        var output = await bench.StandardOutput.ReadToEndAsync();
        await bench.WaitForExitAsync();
        double cpu = ProcessStats.CpuSeconds(pid) - cpu0;
        await File.AppendAllTextAsync(Path.Combine(logDirectory, "redis-benchmark.log"), output);
        // --csv: a header line, then "RPUSH","<rps>",...
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("\"RPUSH\"", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"redis-benchmark printed no RPUSH line: {output}");
        // redis-benchmark's key: drop it so the list does not grow across runs.
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await connection.GetDatabase().KeyDeleteAsync("mylist");
        return (double.Parse(line.Split(',')[1].Trim('"'), CultureInfo.InvariantCulture), cpu);
    }
}
