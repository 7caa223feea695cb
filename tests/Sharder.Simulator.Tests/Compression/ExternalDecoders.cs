using System.Buffers.Binary;
using System.ComponentModel;
using System.Diagnostics;
using Xunit;

namespace Sharder.Simulator.Tests.Compression;

/// <summary>
/// Cross-checks with decoders outside .NET: Python's <c>zlib.decompressobj()</c> (the method Discord
/// documents) and the <c>zstd</c> CLI. Each returns null when the tool is not installed.
/// </summary>
internal static class ExternalDecoders
{
    // Reads [u32 length][bytes] records; one decompressobj for the whole connection, as Discord's docs do.
    private const string PythonZlibScript = """
        import struct, sys, zlib
        data = sys.stdin.buffer.read()
        d = zlib.decompressobj()
        out = sys.stdout.buffer
        i = 0
        while i < len(data):
            (n,) = struct.unpack_from('>I', data, i)
            i += 4
            chunk = data[i:i + n]
            i += n
            if chunk[-4:] != b'\x00\x00\xff\xff':
                sys.exit('message does not end with the sync-flush suffix')
            plain = d.decompress(chunk)
            out.write(struct.pack('>I', len(plain)))
            out.write(plain)
        """;

    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    public static async Task<List<byte[]>?> PythonInflateAsync(IReadOnlyList<ReadOnlyMemory<byte>> messages)
    {
        using var input = new MemoryStream();
        foreach (var message in messages)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)message.Length);
            input.Write(length);
            input.Write(message.Span);
        }

        var run = await RunAsync("python3", ["-c", PythonZlibScript], input.ToArray());
        if (run is null)
        {
            return null;
        }

        Assert.True(run.Value.ExitCode == 0, $"python3 failed: {run.Value.Error}");
        var decoded = new List<byte[]>();
        var output = run.Value.Output;
        for (var i = 0; i < output.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(output.AsSpan(i));
            decoded.Add(output.AsSpan(i + 4, length).ToArray());
            i += 4 + length;
        }

        return decoded;
    }

    /// <summary>Runs <c>zstd -d</c> on the concatenated messages. The frame never ends, so only stdout counts.</summary>
    public static async Task<byte[]?> ZstdCliDecompressAsync(IReadOnlyList<ReadOnlyMemory<byte>> messages)
    {
        using var input = new MemoryStream();
        foreach (var message in messages)
        {
            input.Write(message.Span);
        }

        var run = await RunAsync("zstd", ["-d", "-c", "-q"], input.ToArray());
        return run?.Output;
    }

    /// <summary>Whether an executable of that name is on PATH (then its cross-check must really run).</summary>
    public static bool IsOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, tool)));

    private static async Task<(int ExitCode, byte[] Output, string Error)?> RunAsync(string tool, string[] arguments, byte[] stdin)
    {
        var startInfo = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(startInfo)!;
        }
        catch (Win32Exception)
        {
            return null; // not installed
        }

        using (process)
        {
            using var timeout = new CancellationTokenSource(ToolTimeout);
            using var output = new MemoryStream();
            var readOutput = process.StandardOutput.BaseStream.CopyToAsync(output, timeout.Token);
            var readError = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.StandardInput.BaseStream.WriteAsync(stdin, timeout.Token);
            process.StandardInput.Close();
            await readOutput;
            var error = await readError;
            await process.WaitForExitAsync(timeout.Token);
            const int CommandNotFound = 127; // e.g. a pyenv shim without an interpreter behind it
            return process.ExitCode == CommandNotFound ? null : (process.ExitCode, output.ToArray(), error);
        }
    }
}
