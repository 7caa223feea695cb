using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace Sharder.Bench.EndToEnd;

/// <summary>A private redis-server (no persistence) on a free port, and redis-benchmark against it.</summary>
internal sealed class RedisServer(Process process, int port)
{
    public int Port => port;
    public int Pid => process.Id;
    public string Address => $"127.0.0.1:{port}";

    public static async Task<RedisServer> StartAsync(ChildProcesses children)
    {
        int port = FreePorts.Take(1)[0];
        var process = children.Start("redis", "redis-server", ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        for (var i = 0; i < 100; i++)
        {
            try
            {
                await using var probe = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},connectTimeout=500");
                await probe.GetDatabase().PingAsync();
                return new RedisServer(process, port);
            }
            catch (RedisConnectionException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException("redis-server did not answer PING within 10 s");
    }

    /// <summary>redis-benchmark pipelined RPUSH of <paramref name="valueBytes"/>-byte values: requests/s and redis-server's CPU-seconds.</summary>
    public async Task<(double PerSecond, double RedisCpuSeconds)> PipelinedRpushAsync(int requests, int valueBytes, string logDirectory)
    {
        double cpu0 = ProcessStats.CpuSeconds(Pid);
        var info = new ProcessStartInfo("redis-benchmark",
            ["-p", port.ToString(CultureInfo.InvariantCulture), "-t", "rpush", "-n", requests.ToString(CultureInfo.InvariantCulture),
             "-P", "64", "-c", "50", "-d", valueBytes.ToString(CultureInfo.InvariantCulture), "--csv"])
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var bench = Process.Start(info) ?? throw new InvalidOperationException("redis-benchmark did not start");
        var output = await bench.StandardOutput.ReadToEndAsync();
        await bench.WaitForExitAsync();
        double cpu = ProcessStats.CpuSeconds(Pid) - cpu0;
        await File.AppendAllTextAsync(Path.Combine(logDirectory, "redis-benchmark.log"), output);
        // --csv: a header line, then "RPUSH","<rps>",...
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("\"RPUSH\"", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"redis-benchmark printed no RPUSH line: {output}");
        // redis-benchmark's key: drop it so the list does not grow across runs.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Address);
        await redis.GetDatabase().KeyDeleteAsync("mylist");
        return (double.Parse(line.Split(',')[1].Trim('"'), CultureInfo.InvariantCulture), cpu);
    }
}
