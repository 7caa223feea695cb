using System.Diagnostics;

namespace Sharder.IntegrationTests.Observability;

/// <summary>
/// Debian's <c>chromium</c> in headless mode: loads a page, lets its scripts run for a while of virtual time, then
/// prints the DOM or writes a screenshot. <c>.ci/run</c> installs it; without it the test fails and says how to install it.
/// </summary>
internal static class HeadlessChromium
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);

    /// <summary>The browser, or a failure that says how to get it.</summary>
    public static string Locate()
    {
        foreach (var candidate in new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "Headless Chromium is needed for the status page test and was not found: apt-get install -y chromium (.ci/run installs it).");
    }

    /// <summary>The page's DOM after <paramref name="scriptTime"/> of (virtual) time, serialized.</summary>
    public static Task<string> DumpDomAsync(Uri page, TimeSpan scriptTime)
        => RunAsync(page, scriptTime, ["--dump-dom"]);

    /// <summary>Writes a PNG of the page to <paramref name="path"/>.</summary>
    public static Task ScreenshotAsync(Uri page, TimeSpan scriptTime, string path, int width, int height)
        => RunAsync(page, scriptTime, [$"--screenshot={path}", $"--window-size={width},{height}", "--hide-scrollbars"]);

    private static async Task<string> RunAsync(Uri page, TimeSpan scriptTime, string[] output)
    {
        var profile = Directory.CreateTempSubdirectory("sharder-chromium-");
        try
        {
            var start = new ProcessStartInfo(Locate())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                $"--user-data-dir={profile.FullName}",
                $"--virtual-time-budget={(int)scriptTime.TotalMilliseconds}",
            }.Concat(output))
            {
                start.ArgumentList.Add(argument);
            }

            start.ArgumentList.Add(page.AbsoluteUri);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start.");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(ProcessTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not finish within {ProcessTimeout.TotalSeconds} s: {await stderr}");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"chromium exited with {process.ExitCode}: {await stderr}");
            }

            return await stdout;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
