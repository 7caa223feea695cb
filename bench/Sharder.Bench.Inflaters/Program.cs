using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;

namespace Sharder.Bench.Inflaters;

/// <summary>
/// Holds N zlib-stream inflaters (<see cref="ZLibStream"/> in decompress mode, as the gateway's zlib-stream
/// decompressor uses it), each fed one sync-flushed message the way a connection's first READY arrives, and
/// prints what they cost: RSS and anonymous RSS (/proc/self/status), bytes glibc malloc has handed out
/// (mallinfo2, all arenas) and the managed heap, per inflater.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        int count = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000;

        // The window is touched as output passes through it: 200 guilds (~10 KB of JSON) touch a third of it,
        // 1,000 guilds (~50 KB) all of it, as any connection that has received 32 KiB since it started.
        int guilds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000;
        byte[] message = CompressedMessage(guilds, out int jsonBytes);

        // Warm up once (JIT, the native library loaded, pools created) so the baseline holds all of that.
        using (var warm = Inflate(message))
        {
        }

        var before = Snapshot.Take();
        var inflaters = new List<ZLibStream>(count);
        for (int i = 0; i < count; i++)
        {
            inflaters.Add(Inflate(message));
        }

        var held = Snapshot.Take();
        foreach (var inflater in inflaters)
        {
            inflater.Dispose();
        }

        inflaters.Clear();
        var disposed = Snapshot.Take();

        Console.WriteLine($"{count:N0} zlib-stream inflaters, each fed one {message.Length:N0}-byte message ({jsonBytes:N0} bytes inflated); GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}");
        Console.WriteLine("| | RSS KiB | anonymous RSS KiB | malloc in use KiB | malloc arena KiB | managed KiB |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        Row("baseline", before);
        Row("holding", held);
        Row("after Dispose", disposed);
        var delta = held - before;
        Console.WriteLine(
            $"per inflater: RSS {delta.Rss / 1024.0 / count:0.0} KiB, anonymous {delta.AnonRss / 1024.0 / count:0.0} KiB, malloc in use "
            + $"{delta.MallocInUse / 1024.0 / count:0.0} KiB, malloc arena {delta.MallocArena / 1024.0 / count:0.0} KiB, managed {delta.Managed / 1024.0 / count:0.0} KiB");
        return 0;
    }

    private static void Row(string name, Snapshot s) =>
        Console.WriteLine($"| {name} | {s.Rss / 1024:N0} | {s.AnonRss / 1024:N0} | {s.MallocInUse / 1024:N0} | {s.MallocArena / 1024:N0} | {s.Managed / 1024:N0} |");

    private static ZLibStream Inflate(byte[] message)
    {
        var inflater = new ZLibStream(new MemoryStream(message, writable: false), CompressionMode.Decompress, leaveOpen: false);
        Span<byte> output = stackalloc byte[4096];
        while (inflater.Read(output) > 0)
        {
        }

        return inflater;
    }

    /// <summary>A READY-sized JSON payload compressed as Discord sends it: one zlib stream, ended by a sync flush.</summary>
    private static byte[] CompressedMessage(int guilds, out int jsonBytes)
    {
        var json = new StringBuilder("{\"t\":\"READY\",\"s\":1,\"op\":0,\"d\":{\"v\":10,\"session_id\":\"4f1c2b7e9a\",\"guilds\":[");
        for (int i = 0; i < guilds; i++)
        {
            json.Append(System.Globalization.CultureInfo.InvariantCulture, $"{{\"id\":\"{81384788765712384L + (i * 7919L)}\",\"unavailable\":true}},");
        }

        json.Append("{}]}}");
        var output = new MemoryStream();
        using (var deflate = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(json.ToString());
            jsonBytes = utf8.Length;
            deflate.Write(utf8);
            deflate.Flush(); // Z_SYNC_FLUSH: the message ends with 00 00 FF FF and the stream stays open.
            return output.ToArray();
        }
    }

    private readonly record struct Snapshot(long Rss, long AnonRss, long MallocInUse, long MallocArena, long Managed)
    {
        public static Snapshot Take()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var info = NativeMethods.mallinfo2();
            return new Snapshot(Status("VmRSS:"), Status("RssAnon:"), (long)info.uordblks, (long)(info.arena + info.hblkhd), GC.GetTotalMemory(forceFullCollection: true));
        }

        public static Snapshot operator -(Snapshot a, Snapshot b) =>
            new(a.Rss - b.Rss, a.AnonRss - b.AnonRss, a.MallocInUse - b.MallocInUse, a.MallocArena - b.MallocArena, a.Managed - b.Managed);

        private static long Status(string key)
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(key.Length).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }

            return 0;
        }
    }
}

/// <summary>glibc's struct mallinfo2 (all arenas; size_t fields).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MallInfo2
{
    public nuint arena;
    public nuint ordblks;
    public nuint smblks;
    public nuint hblks;
    public nuint hblkhd;
    public nuint usmblks;
    public nuint fsmblks;
    public nuint uordblks;
    public nuint fordblks;
    public nuint keepcost;
}

internal static partial class NativeMethods
{
    [LibraryImport("libc", EntryPoint = "mallinfo2")]
    internal static partial MallInfo2 mallinfo2();
}
