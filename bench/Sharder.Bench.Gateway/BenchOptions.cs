using System.Globalization;
using Sharder.Grains.Gateway.Compression;

namespace Sharder.Bench.Gateway;

/// <summary>Command line of the hot-path benchmark.</summary>
internal sealed record BenchOptions(int Frames, int Runs, int Seed, IReadOnlyList<GatewayCompression> Modes, bool Help)
{
    public const string Usage = """
        Gateway hot-path micro-benchmark: decompress -> peek -> sink copy over a recorded MESSAGE_CREATE stream.

        usage: dotnet run -c Release --project bench/Sharder.Bench.Gateway -- [options]

          --frames N     frames in the generated stream (default 200000)
          --runs R       timed runs per mode and variant; the table shows the fastest (default 3)
          --mode M       none | zlib-stream | zstd-stream | all (default all)
          --seed S       generator seed (default 1)
          --help         this text

        Exit codes: 0 done, 1 a replay did not yield the generated frames, 2 bad arguments.
        """;

    private static readonly GatewayCompression[] s_allModes =
        [GatewayCompression.None, GatewayCompression.ZlibStream, GatewayCompression.ZstdStream];

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions(200_000, 3, 1, s_allModes, Help: false);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "--help" or "-h")
            {
                return options with { Help = true };
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{name} needs a value.");
            }

            var value = args[++i];
            options = name switch
            {
                "--frames" => options with { Frames = ParseCount(name, value, minimum: 2) },
                "--runs" => options with { Runs = ParseCount(name, value, minimum: 1) },
                "--seed" => options with { Seed = ParseCount(name, value, minimum: 0) },
                "--mode" => options with { Modes = ParseModes(value) },
                _ => throw new ArgumentException($"unknown option {name}."),
            };
        }

        return options;
    }

    public static string ModeName(GatewayCompression mode) => mode switch
    {
        GatewayCompression.None => "none",
        GatewayCompression.ZlibStream => "zlib-stream",
        GatewayCompression.ZstdStream => "zstd-stream",
        _ => mode.ToString(),
    };

    private static int ParseCount(string name, string value, int minimum)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < minimum)
        {
            throw new ArgumentException($"{name} must be a whole number of at least {minimum}, not '{value}'.");
        }

        return count;
    }

    private static GatewayCompression[] ParseModes(string value)
    {
        if (value == "all")
        {
            return s_allModes;
        }

        foreach (var mode in s_allModes)
        {
            if (ModeName(mode) == value)
            {
                return [mode];
            }
        }

        throw new ArgumentException($"--mode must be none, zlib-stream, zstd-stream or all, not '{value}'.");
    }
}
