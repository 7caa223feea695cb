using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Sharder.IntegrationTests.MultiProcess;

/// <summary>
/// One real <c>Sharder.Silo</c> process (<c>dotnet Sharder.Silo.dll</c> from the test's output folder, which
/// holds the silo's appsettings.json as well) with its own ports and environment. Its output is kept
/// (bounded) for failure messages. Disposing kills it if it is still running: a test never leaves an orphan.
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private const int OutputLines = 400;

    private static readonly TimeSpan _readyPollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan _requestTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan _killTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly ProcessOutputTail _output = new(OutputLines);
    private readonly DirectoryInfo _workingDirectory;
    private readonly HttpClient _http;
    private readonly TimeProvider _timeProvider;

    private SiloProcess(string name, SiloPorts ports, Process process, DirectoryInfo workingDirectory, TimeProvider timeProvider)
    {
        Name = name;
        Ports = ports;
        _process = process;
        _workingDirectory = workingDirectory;
        _timeProvider = timeProvider;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports.Http}/"), Timeout = _requestTimeout };
    }

    /// <summary>A label for messages, e.g. "A".</summary>
    public string Name { get; }

    public SiloPorts Ports { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code (128 + signal number when a signal ended it); only valid once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    public HttpClient Http => _http;

    /// <summary>The last lines the silo printed (stdout and stderr).</summary>
    public string RecentOutput => _output.ToString();

    public bool Printed(string text) => _output.Contains(text);

    /// <summary>Starts the silo; it is not ready yet (see <see cref="WaitUntilReadyAsync"/>).</summary>
    /// <param name="environment">Settings for the silo; the port variables are added from <paramref name="ports"/>.</param>
    public static SiloProcess Start(string name, SiloPorts ports, IReadOnlyDictionary<string, string> environment, TimeProvider timeProvider)
    {
        var siloDirectory = AppContext.BaseDirectory;
        var siloDll = Path.Combine(siloDirectory, "Sharder.Silo.dll");
        if (!File.Exists(siloDll))
        {
            throw new FileNotFoundException("Sharder.Silo.dll is not next to the test assembly; the test project must reference Sharder.Silo.", siloDll);
        }

        // An empty working directory: the silo reads .env from there, and none must leak in from the repository.
        var workingDirectory = Directory.CreateTempSubdirectory($"sharder-silo-{name}-");
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory.FullName,
        };
        startInfo.ArgumentList.Add(siloDll);
        startInfo.ArgumentList.Add("--contentRoot");
        startInfo.ArgumentList.Add(siloDirectory);
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        startInfo.Environment["SHARDER_SILO_PORT"] = ports.Silo.ToString(CultureInfo.InvariantCulture);
        startInfo.Environment["SHARDER_GATEWAY_PORT"] = ports.Gateway.ToString(CultureInfo.InvariantCulture);
        startInfo.Environment["SHARDER_HTTP_PORT"] = ports.Http.ToString(CultureInfo.InvariantCulture);

        var process = new Process { StartInfo = startInfo };
        var silo = new SiloProcess(name, ports, process, workingDirectory, timeProvider);
        process.OutputDataReceived += (_, e) => silo._output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => silo._output.Add(e.Data is null ? null : "err: " + e.Data);
        process.Start();
        AppDomain.CurrentDomain.ProcessExit += silo.KillOnHostExit;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Polls <c>/readyz</c> until it answers 200 (the silo is Active and Redis answers).</summary>
    /// <exception cref="InvalidOperationException">The process exited first.</exception>
    /// <exception cref="TimeoutException">Not ready within <paramref name="timeout"/>.</exception>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var started = _timeProvider.GetTimestamp();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"Silo {Name} exited with code {_process.ExitCode} before it was ready.{Environment.NewLine}{RecentOutput}");
            }

            if (await AnswersReadyAsync().ConfigureAwait(false))
            {
                return;
            }

            if (_timeProvider.GetElapsedTime(started) >= timeout)
            {
                throw new TimeoutException(
                    $"Silo {Name} (pid {ProcessId}) was not ready within {timeout.TotalSeconds} s.{Environment.NewLine}{RecentOutput}");
            }

            await Task.Delay(_readyPollInterval, _timeProvider).ConfigureAwait(false);
        }
    }

    /// <summary>Sends <paramref name="signal"/> with <c>kill -s</c> (SIGKILL through <see cref="Process.Kill()"/>).</summary>
    public async Task SignalAsync(SiloSignal signal)
    {
        if (signal == SiloSignal.Kill)
        {
            _process.Kill(entireProcessTree: true);
            return;
        }

        var name = signal switch
        {
            SiloSignal.Terminate => "TERM",
            SiloSignal.Stop => "STOP",
            SiloSignal.Continue => "CONT",
            _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, null),
        };
        using var kill = Process.Start(new ProcessStartInfo("kill")
        {
            UseShellExecute = false,
            ArgumentList = { "-s", name, _process.Id.ToString(CultureInfo.InvariantCulture) },
        }) ?? throw new InvalidOperationException("Could not start kill.");
        await kill.WaitForExitAsync().WaitAsync(_killTimeout, _timeProvider).ConfigureAwait(false);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -s {name} {_process.Id} failed with exit code {kill.ExitCode}.");
        }
    }

    /// <returns>true when the process exited within <paramref name="timeout"/> (output fully read).</returns>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout, _timeProvider);
        try
        {
            await _process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnHostExit;
        if (!_process.HasExited)
        {
            // SIGKILL also ends a stopped (SIGSTOP) process.
            _process.Kill(entireProcessTree: true);
            await WaitForExitAsync(_killTimeout).ConfigureAwait(false);
        }

        _process.Dispose();
        _http.Dispose();
        try
        {
            _workingDirectory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover empty temp folder is harmless.
        }
    }

    private async Task<bool> AnswersReadyAsync()
    {
        try
        {
            using var response = await _http.GetAsync(new Uri("readyz", UriKind.Relative)).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Last resort when the test host exits without disposing.</summary>
    private void KillOnHostExit(object? sender, EventArgs e)
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    /// <summary>The dotnet host running the tests (set by the SDK), else dotnet from PATH.</summary>
    private static string DotnetHost()
        => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
