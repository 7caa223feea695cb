using System.Diagnostics;
using System.Globalization;

namespace Sharder.Bench.EndToEnd;

/// <summary>
/// Every process the benchmark starts. Output goes to a log file per process; each pid is also appended to
/// <c>pids</c> in the log folder so that bench/e2e.sh can stop them by id even if this process is killed.
/// Disposing stops whatever is still running (SIGTERM, then SIGKILL after a grace period).
/// </summary>
internal sealed class ChildProcesses(string logDirectory) : IAsyncDisposable
{
    private readonly List<Process> _running = [];
    private readonly Lock _gate = new();

    public string LogDirectory => logDirectory;

    /// <summary>Starts a process; <paramref name="onLine"/> sees every stdout line (after it is logged).</summary>
    public Process Start(string name, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null, Action<string>? onLine = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;

        var log = new StreamWriter(Path.Combine(logDirectory, name + ".log"), append: true) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (log) log.WriteLine(e.Data);
            onLine?.Invoke(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (log) log.WriteLine(e.Data);
        };
        process.Exited += (_, _) =>
        {
            lock (log) log.Flush();
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        File.AppendAllText(Path.Combine(logDirectory, "pids"), process.Id.ToString(CultureInfo.InvariantCulture) + "\n");
        lock (_gate) _running.Add(process);
        return process;
    }

    /// <summary>Records the pid of a process started elsewhere, so bench/e2e.sh stops it too if this process is killed.</summary>
    public void Adopt(int pid)
        => File.AppendAllText(Path.Combine(logDirectory, "pids"), pid.ToString(CultureInfo.InvariantCulture) + "\n");

    /// <summary>SIGTERM, wait up to <paramref name="grace"/>, then SIGKILL.</summary>
    public async Task StopAsync(Process process, TimeSpan grace)
    {
        lock (_gate) _running.Remove(process);
        if (process.HasExited) return;
        try
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            if (kill is not null) await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(grace);
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the signal.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Process[] left;
        lock (_gate) left = [.. _running];
        await Task.WhenAll(left.Select(p => StopAsync(p, TimeSpan.FromSeconds(10))));
        foreach (var p in left) p.Dispose();
    }
}
