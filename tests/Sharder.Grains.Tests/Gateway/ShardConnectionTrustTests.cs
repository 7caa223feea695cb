using Sharder.Grains.Gateway;
using Sharder.Grains.Tests.Gateway.Fakes;
using Sharder.Grains.Interfaces.Models;

namespace Sharder.Grains.Tests.Gateway;

/// <summary>The token goes only to Discord: untrusted resume URLs and malformed stored sessions are not used.</summary>
public sealed class ShardConnectionTrustTests
{
    [Fact]
    public async Task A_handed_over_session_with_a_foreign_resume_url_resumes_through_the_bootstrap_url()
    {
        await using var harness = new ShardHarness();
        harness.Start(new ShardSession("session-1", 7, "wss://evil.example/steal"));

        var connection = await harness.Server.NextConnectionAsync();
        connection.SendHello();
        var resume = await connection.NextSentAsync(6);

        Assert.Equal(ShardHarness.BootstrapHost, connection.Url!.Host);
        Assert.All(harness.Server.ConnectAttempts, url => Assert.NotEqual("evil.example", url.Host));
        Assert.Equal("session-1", resume.Data.GetProperty("session_id").GetString());
        Assert.Equal(7, resume.Data.GetProperty("seq").GetInt64());
        var warning = Assert.Single(harness.Logger.Lines, line => line.Contains("ignores the resume URL", StringComparison.Ordinal));
        Assert.Contains("evil.example", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("steal", warning, StringComparison.Ordinal);
        Assert.Equal(string.Empty, harness.Shard.ExportSession()!.ResumeUrl);
    }

    [Fact]
    public async Task A_ready_with_a_foreign_resume_url_resumes_through_the_bootstrap_url_and_exports_no_url()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync(resumeUrl: "ws://evil.test");

        connection.SendReconnect();

        var next = await harness.Server.NextConnectionAsync();
        Assert.Equal(ShardHarness.BootstrapHost, next.Url!.Host);
        next.SendHello();
        var resume = await next.NextSentAsync(6);
        Assert.Equal("session-1", resume.Data.GetProperty("session_id").GetString());
        Assert.Equal(string.Empty, harness.Shard.ExportSession()!.ResumeUrl);
        Assert.Contains(harness.Logger.Lines, line => line.Contains("ignores the resume URL of READY", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_ready_with_a_discord_zonal_resume_url_resumes_there()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync(resumeUrl: "wss://gateway-us-east1-b.discord.gg");

        connection.SendReconnect();

        var next = await harness.Server.NextConnectionAsync();
        Assert.Equal("wss://gateway-us-east1-b.discord.gg/?v=10&encoding=json&compress=zlib-stream", next.Url!.ToString());
    }

    [Theory]
    [InlineData("has space", 5)]
    [InlineData("", 5)]
    [InlineData("session-1", -1)]
    public async Task A_malformed_handed_over_session_is_ignored_and_the_shard_identifies(string sessionId, long sequence)
    {
        await using var harness = new ShardHarness();
        harness.Start(new ShardSession(sessionId, sequence, ShardHarness.ResumeUrl));

        var connection = await harness.Server.NextConnectionAsync();
        connection.SendHello();
        await connection.NextSentAsync(2);

        Assert.Equal(ShardHarness.BootstrapHost, connection.Url!.Host);
        Assert.Equal(0, connection.CountSent(6));
        Assert.Contains(harness.Logger.Lines, line => line.Contains("ignores the session it was handed", StringComparison.Ordinal));
    }
}
