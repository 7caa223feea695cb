using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Sharder.TestKit.Redis;

/// <summary>
/// A throw-away <c>redis-server</c> process on a free loopback port, with no automatic persistence (only
/// an explicit <c>SAVE</c> writes a snapshot, see <see cref="DataDirectory"/>) and its own temp directory. It can be stopped and started again on the same port to simulate an outage.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private const int PortAttempts = 3;
    private const int OutputLineLimit = 200;

    private static readonly TimeSpan _startTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan _shutdownTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan _killTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan _commandTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan _readyPollInterval = TimeSpan.FromMilliseconds(15);

    private readonly TimeProvider _timeProvider;
    private readonly BoundedOutputBuffer _output = new(OutputLineLimit);
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly IReadOnlyList<string> _extraArguments;
    private Process? _process;
    private DirectoryInfo? _dataDirectory;
    private int _port;
    private bool _disposed;

    /// <param name="timeProvider">Clock for start/stop deadlines; the system clock when null.</param>
    /// <param name="extraArguments">
    /// More redis-server arguments, after the defaults (a later one wins), e.g. a TLS port and certificate files or
    /// <c>--user</c> ACL rules. The plain loopback <see cref="Port"/> stays open with the default user, because the
    /// server is managed through it (PING, SHUTDOWN, FLUSHALL).
    /// </param>
    public RedisServer(TimeProvider? timeProvider = null, IReadOnlyList<string>? extraArguments = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        _extraArguments = extraArguments ?? [];
    }

    /// <summary>The loopback port, fixed by the first successful <see cref="StartAsync"/> and kept across restarts.</summary>
    public int Port => _port != 0 ? _port : throw new InvalidOperationException("The Redis server has not been started yet.");

    /// <summary>StackExchange.Redis connection string, e.g. "127.0.0.1:6380".</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>Whether a server process is currently running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Process id of the running server, or null when stopped.</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>
    /// The server's working directory (its <c>--dir</c>), kept across restarts: a <c>dump.rdb</c> written there
    /// by <c>SAVE</c> is loaded by the next <see cref="StartAsync"/>, so a test can restart Redis from an older
    /// snapshot by putting a saved copy back. Null before the first start.
    /// </summary>
    public string? DataDirectory => _dataDirectory?.FullName;

    /// <summary>The last lines the server printed (stdout and stderr), for failure messages.</summary>
    public string RecentOutput => _output.Snapshot();

    /// <summary>
    /// Starts the server and returns once it answers PING. The first start picks a free port;
    /// later starts reuse it.
    /// </summary>
    /// <exception cref="FileNotFoundException">redis-server is not installed.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_process is not null)
            {
                throw new InvalidOperationException($"The Redis server is already running on port {_port}.");
            }

            var executable = RedisServerLocator.Locate();
            _dataDirectory ??= Directory.CreateTempSubdirectory("sharder-redis-");

            bool pickPort = _port == 0;
            int attempts = pickPort ? PortAttempts : 1;
            for (int attempt = 1; attempt <= attempts; attempt++)
            {
                if (pickPort)
                {
                    // Another process may take the port between probing and redis binding it: retry with a new one.
                    _port = ReserveFreePort();
                }

                int? exitCode = await LaunchAsync(executable, cancellationToken).ConfigureAwait(false);
                if (exitCode is null)
                {
                    return;
                }

                if (attempt == attempts)
                {
                    int failedPort = _port;
                    if (pickPort)
                    {
                        _port = 0;
                    }

                    throw new InvalidOperationException(
                        $"redis-server exited with code {exitCode} before answering PING on port {failedPort}. " +
                        $"Output:{Environment.NewLine}{RecentOutput}");
                }
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Stops the server (SHUTDOWN NOSAVE, then kill if it lingers) and waits until the process is gone.
    /// The port stays reserved for the next <see cref="StartAsync"/>. Does nothing when stopped.
    /// </summary>
    public async Task StopAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            await StopProcessAsync().ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Deletes every key in every database.</summary>
    public async Task FlushAllAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_process is null)
            {
                throw new InvalidOperationException("Cannot FLUSHALL: the Redis server is not running.");
            }

            var reply = await SendCommandAsync(["FLUSHALL"], cancellationToken).ConfigureAwait(false);
            if (reply != "+OK")
            {
                throw new InvalidOperationException($"FLUSHALL on port {_port} answered '{reply}'.");
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops the server and deletes its temp directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await StopProcessAsync().ConfigureAwait(false);
            DeleteDataDirectory();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <returns>null once the server answers PING; the exit code if it exited before that.</returns>
    private async Task<int?> LaunchAsync(string executable, CancellationToken cancellationToken)
    {
        var process = new Process { StartInfo = CreateStartInfo(executable) };
        process.OutputDataReceived += (_, e) => _output.Add("out: ", e.Data);
        process.ErrorDataReceived += (_, e) => _output.Add("err: ", e.Data);

        _output.Add("testkit: ", $"starting {executable} on port {_port}");
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }

        _process = process;
        AppDomain.CurrentDomain.ProcessExit += KillOnHostExit;
        try
        {
            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (await WaitUntilReadyAsync(process, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            int exitCode = process.ExitCode;
            ReleaseProcess();
            return exitCode;
        }
        catch
        {
            await StopProcessAsync().ConfigureAwait(false);
            throw;
        }
    }

    private ProcessStartInfo CreateStartInfo(string executable)
    {
        var directory = _dataDirectory!.FullName;
        var startInfo = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        string[] arguments =
        [
            "--port", _port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
            "--dir", directory,
        ];
        foreach (var argument in arguments.Concat(_extraArguments))
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }

    /// <returns>true once PING is answered; false if the process exited first.</returns>
    private async Task<bool> WaitUntilReadyAsync(Process process, CancellationToken cancellationToken)
    {
        long started = _timeProvider.GetTimestamp();
        while (true)
        {
            if (process.HasExited)
            {
                return false;
            }

            if (await AnswersPingAsync(cancellationToken).ConfigureAwait(false))
            {
                return true;
            }

            if (_timeProvider.GetElapsedTime(started) >= _startTimeout)
            {
                throw new TimeoutException(
                    $"redis-server (pid {process.Id}) did not answer PING on port {_port} within {_startTimeout.TotalSeconds} s. " +
                    $"Output:{Environment.NewLine}{RecentOutput}");
            }

            await Task.Delay(_readyPollInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> AnswersPingAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await SendCommandAsync(["PING"], cancellationToken).ConfigureAwait(false) == "+PONG";
        }
        catch (Exception exception) when (IsConnectionFailure(exception, cancellationToken))
        {
            return false;
        }
    }

    private async Task StopProcessAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                try
                {
                    await SendCommandAsync(["SHUTDOWN", "NOSAVE"], CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception exception) when (IsConnectionFailure(exception, CancellationToken.None))
                {
                    // Not answering: the kill below handles it.
                }

                if (!await WaitForExitAsync(process, _shutdownTimeout).ConfigureAwait(false))
                {
                    _output.Add("testkit: ", $"pid {process.Id} ignored SHUTDOWN NOSAVE; killing it");
                    process.Kill(entireProcessTree: true);
                    if (!await WaitForExitAsync(process, _killTimeout).ConfigureAwait(false))
                    {
                        throw new InvalidOperationException(
                            $"redis-server (pid {process.Id}) is still alive after being killed. Output:{Environment.NewLine}{RecentOutput}");
                    }
                }
            }

            _output.Add("testkit: ", $"stopped with exit code {process.ExitCode}");
        }
        finally
        {
            ReleaseProcess();
        }
    }

    private async Task<string?> SendCommandAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_commandTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        return await RawRedisCommand.SendAsync(_port, arguments, linked.Token).ConfigureAwait(false);
    }

    private async Task<bool> WaitForExitAsync(Process process, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit, _timeProvider);
        try
        {
            // Also waits until the redirected output is fully read, so RecentOutput is complete.
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return false;
        }
    }

    private void ReleaseProcess()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnHostExit;
        _process?.Dispose();
        _process = null;
    }

    private void DeleteDataDirectory()
    {
        try
        {
            _dataDirectory?.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover empty temp folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Last resort when the test host exits without disposing the server: never leave an orphan.</summary>
    private void KillOnHostExit(object? sender, EventArgs e)
    {
        try
        {
            Volatile.Read(ref _process)?.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        DeleteDataDirectory();
    }

    private static bool IsConnectionFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        SocketException or IOException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private static int ReserveFreePort() => Net.LoopbackPorts.Reserve();
}
