using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Compression;

namespace Sharder.Grains.Tests.Gateway;

public sealed class GatewayOptionsValidatorTests
{
    private readonly GatewayOptionsValidator _validator = new();

    public static TheoryData<string, Action<GatewayOptions>> SingleProblems => new()
    {
        { nameof(GatewayOptions.BootstrapUrl), o => o.BootstrapUrl = new Uri("https://discord.com/api") },
        { nameof(GatewayOptions.BootstrapUrl), o => o.BootstrapUrl = new Uri("wss://gateway.discord.gg/?v=10") },
        { nameof(GatewayOptions.BootstrapUrl), o => o.BootstrapUrl = new Uri("/gateway", UriKind.Relative) },
        { nameof(GatewayOptions.BootstrapUrl), o => o.BootstrapUrl = null! },
        { nameof(GatewayOptions.Compression), o => o.Compression = (GatewayCompression)7 },
        { nameof(GatewayOptions.LargeThreshold), o => o.LargeThreshold = 49 },
        { nameof(GatewayOptions.LargeThreshold), o => o.LargeThreshold = 251 },
        { nameof(GatewayOptions.MaxDecompressedMessageBytes), o => o.MaxDecompressedMessageBytes = 1000 },
        { nameof(GatewayOptions.HandshakeTimeout), o => o.HandshakeTimeout = TimeSpan.Zero },
        { nameof(GatewayOptions.HelloTimeout), o => o.HelloTimeout = TimeSpan.FromDays(1) },
        { nameof(GatewayOptions.ReconnectBaseDelay), o => o.ReconnectBaseDelay = TimeSpan.FromSeconds(-1) },
        { nameof(GatewayOptions.ReconnectMaxDelay), o => o.ReconnectMaxDelay = TimeSpan.FromMilliseconds(500) },
        { nameof(GatewayOptions.CommandsPerMinute), o => o.CommandsPerMinute = 121 },
        { nameof(GatewayOptions.CommandsPerMinute), o => o.CommandsPerMinute = 0 },
        { nameof(GatewayOptions.MaxCommandBytes), o => o.MaxCommandBytes = 4097 },
        { nameof(GatewayOptions.SinkBufferLimit), o => o.SinkBufferLimit = 0 },
        { nameof(GatewayOptions.SinkStallTimeout), o => o.SinkStallTimeout = TimeSpan.Zero },
        { nameof(GatewayOptions.SessionResumeWindow), o => o.SessionResumeWindow = TimeSpan.FromSeconds(-5) },
        { nameof(GatewayOptions.SinkBufferBytes), o => o.SinkBufferBytes = 1024 },
        { nameof(GatewayOptions.MinHeartbeatInterval), o => o.MinHeartbeatInterval = TimeSpan.Zero },
        { nameof(GatewayOptions.MaxHeartbeatInterval), o => o.MaxHeartbeatInterval = TimeSpan.FromMilliseconds(500) },
        { nameof(GatewayOptions.IdentifyFailureBackoffBase), o => o.IdentifyFailureBackoffBase = TimeSpan.Zero },
        { nameof(GatewayOptions.IdentifyFailureBackoffMax), o => o.IdentifyFailureBackoffMax = TimeSpan.FromSeconds(1) },
        { nameof(GatewayOptions.AllowedResumeHosts), o => o.AllowedResumeHosts.Add("wss://evil.example") },
        { nameof(GatewayOptions.AllowedResumeHosts), o => o.AllowedResumeHosts.Add("evil.example:443") },
        { nameof(GatewayOptions.AllowedResumeHosts), o => o.AllowedResumeHosts.Add(" ") },
        { nameof(GatewayOptions.AllowedResumeHosts), o => o.AllowedResumeHosts = null! },
        { nameof(GatewayOptions.UserAgent), o => o.UserAgent = " " },
        { nameof(GatewayOptions.UserAgent), o => o.UserAgent = "Bot\r\nX-Injected: 1" },
    };

    [Fact]
    public void Defaults_are_valid()
    {
        var result = _validator.Validate(null, new GatewayOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Defaults_request_zlib_stream_and_a_discord_style_user_agent()
    {
        var options = new GatewayOptions();

        Assert.Equal(GatewayCompression.ZlibStream, options.Compression);
        Assert.Equal("DiscordBot (https://github.com/sharder, 1.0) Sharder", options.UserAgent);
        Assert.Equal(TimeSpan.FromMinutes(5), options.SessionResumeWindow);
    }

    [Fact]
    public void Simulator_style_settings_are_valid()
    {
        var options = new GatewayOptions
        {
            BootstrapUrl = new Uri("ws://127.0.0.1:5099"),
            Compression = GatewayCompression.None,
            LargeThreshold = 250,
            CommandsPerMinute = 120,
            HandshakeTimeout = TimeSpan.FromMilliseconds(200),
        };

        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    [Theory]
    [MemberData(nameof(SingleProblems))]
    public void Reports_a_problem_naming_the_property(string property, Action<GatewayOptions> breakIt)
    {
        var options = new GatewayOptions();
        breakIt(options);

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith($"Gateway:{property} ", failure, StringComparison.Ordinal);
        Assert.Contains("set", failure, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Reports_every_problem_in_one_message()
    {
        var options = new GatewayOptions
        {
            BootstrapUrl = new Uri("http://example.com"),
            LargeThreshold = 10,
            CommandsPerMinute = 500,
            MaxCommandBytes = 100,
            SinkBufferLimit = -1,
        };

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(5, result.Failures!.Count());
        foreach (var property in new[] { "BootstrapUrl", "LargeThreshold", "CommandsPerMinute", "MaxCommandBytes", "SinkBufferLimit" })
        {
            Assert.Contains($"Gateway:{property}", result.FailureMessage, StringComparison.Ordinal);
        }
    }
}
