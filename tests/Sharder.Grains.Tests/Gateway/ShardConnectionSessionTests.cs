using Sharder.Grains.Gateway;
using Sharder.Grains.Tests.Gateway.Fakes;

namespace Sharder.Grains.Tests.Gateway;

public sealed class ShardConnectionSessionTests
{
    private static readonly TimeSpan s_backoffStep = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task Identifies_on_the_bootstrap_url_with_the_query_and_reports_the_new_session()
    {
        await using var harness = new ShardHarness();
        harness.Start(shardId: 2, shardCount: 4);
        var connection = await harness.Server.NextConnectionAsync();
        connection.SendHello();

        var identify = await connection.NextSentAsync(2);
        Assert.Equal("ws://bootstrap.test/?v=10&encoding=json&compress=zlib-stream", connection.Url!.ToString());
        Assert.Equal(ShardHarness.TokenText, identify.Data.GetProperty("token").GetString());
        Assert.Equal([2, 4], identify.Data.GetProperty("shard").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(GatewayState.Identifying, harness.Shard.State);

        connection.SendReady("session-1", ShardHarness.ResumeUrl);
        await Waits.UntilAsync(() => harness.Sink.Delivered.Count == 1, "READY was delivered");
        var start = Assert.Single(harness.Sink.Sessions);
        Assert.Equal("session-1", start.SessionId);
        Assert.False(start.Resumed);
        Assert.Null(start.Replaced);
        var status = harness.Shard.Status;
        Assert.Equal(GatewayState.Active, status.State);
        Assert.Equal("session-1", status.SessionId);
        Assert.Equal(1, status.Identifies);
        Assert.Equal(1, status.LastDeliveredSequence);
    }

    [Fact]
    public async Task An_identify_permit_that_ran_out_before_the_send_is_handed_back_and_a_new_one_used()
    {
        await using var harness = new ShardHarness();
        var expired = new IdentifyPermit(0, 0, harness.Clock.GetUtcNow() - TimeSpan.FromSeconds(2), harness.Clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        harness.Gate.Script(expired);
        harness.Start();
        var connection = await harness.Server.NextConnectionAsync();
        connection.SendHello();

        await connection.NextSentAsync(2);
        connection.SendReady("session-1", ShardHarness.ResumeUrl);
        await Waits.UntilAsync(() => harness.Shard.State == GatewayState.Active, "the session is active");

        Assert.Equal(2, harness.Gate.Calls);
        Assert.Equal([expired], harness.Gate.Missed);
        Assert.Equal(1, harness.Shard.Status.Identifies);
        Assert.Equal(1, connection.CountSent(2));
        Assert.Contains(harness.Logger.Lines, line => line.Contains("could not send Identify within its permit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_send_failing_after_the_gateway_closed_with_4009_is_decided_by_the_4009()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync();

        connection.CloseFromServerRacingTheNextSend(4009);
        connection.SendHeartbeatRequest();

        var next = await harness.Server.NextConnectionAsync();
        Assert.Equal(ShardHarness.BootstrapHost, next.Url!.Host);
        next.SendHello();
        await next.NextSentAsync(2);
        Assert.Equal(4009, harness.Shard.Status.LastCloseCode);
    }

    [Fact]
    public async Task Op_7_closes_with_4000_and_resumes_on_the_resume_url_from_the_delivered_sequence()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync();
        await harness.DeliverAsync(connection, 2, 3);

        connection.SendReconnect();

        Assert.Equal(4000, await connection.ClientCloseCodeAsync());
        var next = await harness.Server.NextConnectionAsync();
        Assert.Equal("ws://resume.test/?v=10&encoding=json&compress=zlib-stream", next.Url!.ToString());
        next.SendHello();
        var resume = await next.NextSentAsync(6);
        Assert.Equal(ShardHarness.TokenText, resume.Data.GetProperty("token").GetString());
        Assert.Equal("session-1", resume.Data.GetProperty("session_id").GetString());
        Assert.Equal(3, resume.Data.GetProperty("seq").GetInt64());
        Assert.Equal(GatewayState.Resuming, harness.Shard.State);

        next.SendDispatch(4);
        next.SendResumed(5);
        await Waits.UntilAsync(() => harness.Sink.DeliveredSequences.Contains(5), "RESUMED was delivered");
        Assert.Equal([1, 2, 3, 4, 5], harness.Sink.DeliveredSequences);
        Assert.True(harness.Sink.Sessions[^1].Resumed);
        var status = harness.Shard.Status;
        Assert.Equal(GatewayState.Active, status.State);
        Assert.Equal(1, status.Resumes);
        Assert.Equal(1, status.Identifies);
        Assert.Equal(1, status.Reconnects[ReconnectCause.ReconnectRequested]);
        Assert.Equal(1, harness.Gate.Calls);
    }

    [Fact]
    public async Task Resumable_invalid_session_closes_with_4000_and_resumes()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync();

        connection.SendInvalidSession(resumable: true);

        Assert.Equal(4000, await connection.ClientCloseCodeAsync());
        var next = await harness.Server.NextConnectionAsync();
        Assert.Equal(ShardHarness.ResumeHost, next.Url!.Host);
        next.SendHello();
        var resume = await next.NextSentAsync(6);
        Assert.Equal("session-1", resume.Data.GetProperty("session_id").GetString());
    }

    [Fact]
    public async Task Invalid_session_not_resumable_identifies_a_new_session_on_the_bootstrap_url()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync();
        await harness.DeliverAsync(connection, 2, 3);

        connection.SendInvalidSession(resumable: false);

        Assert.Equal(1000, await connection.ClientCloseCodeAsync());
        var next = await harness.Server.NextConnectionAsync();
        Assert.Equal(ShardHarness.BootstrapHost, next.Url!.Host);
        next.SendHello();
        await next.NextSentAsync(2);
        Assert.Equal(2, harness.Gate.Calls);
        Assert.Null(harness.Shard.ExportSession());
        next.SendReady("session-2", ShardHarness.ResumeUrl);
        await Waits.UntilAsync(() => harness.Sink.Sessions.Count == 2, "the new session was reported");
        var start = harness.Sink.Sessions[^1];
        Assert.Equal("session-2", start.SessionId);
        Assert.False(start.Resumed);
        Assert.Equal("session-1", start.Replaced?.SessionId);
        Assert.Equal(3, start.Replaced?.Sequence);
    }

    [Fact]
    public async Task A_refused_resume_falls_back_to_identify_on_the_bootstrap_url()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync();
        connection.SendReconnect();
        var resuming = await harness.Server.NextConnectionAsync();
        resuming.SendHello();
        await resuming.NextSentAsync(6);

        resuming.SendInvalidSession(resumable: false);

        Assert.Equal(1000, await resuming.ClientCloseCodeAsync());
        await Waits.AdvanceUntilAsync(harness.Clock, s_backoffStep, () => harness.Server.HasPendingConnection, "the shard reconnects");
        var next = await harness.Server.NextConnectionAsync();
        Assert.Equal(ShardHarness.BootstrapHost, next.Url!.Host);
        next.SendHello();
        await next.NextSentAsync(2);
    }

    [Fact]
    public async Task Fatal_4004_stops_the_shard_after_one_identify()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.Server.NextConnectionAsync();
        connection.SendHello();
        await connection.NextSentAsync(2);

        connection.CloseFromServer(4004, "Authentication failed.");

        var error = await Assert.ThrowsAsync<GatewayFatalCloseException>(() => Waits.ForAsync(harness.Shard.Completion, "the shard to stop"));
        Assert.Equal(4004, error.CloseCode);
        Assert.Contains("token", error.Message, StringComparison.Ordinal);
        Assert.Contains("Authentication failed.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("super-secret", error.Message, StringComparison.Ordinal);
        var status = harness.Shard.Status;
        Assert.Equal(GatewayState.FatallyClosed, status.State);
        Assert.Equal(error.Message, status.FatalReason);
        Assert.Equal(4004, status.LastCloseCode);
        Assert.Same(error, harness.Shard.FatalError);

        harness.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, harness.Gate.Calls);
        Assert.Single(harness.Server.ConnectAttempts);
        await Assert.ThrowsAsync<GatewayFatalCloseException>(() => harness.Shard.SendAsync("""{"op":3,"d":{}}"""u8.ToArray(), default).AsTask());
    }

    [Theory]
    [InlineData(4010)]
    [InlineData(4011)]
    [InlineData(4012)]
    [InlineData(4013)]
    [InlineData(4014)]
    public async Task Every_fatal_code_stops_without_reconnecting(int code)
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.Server.NextConnectionAsync();
        connection.SendHello();
        await connection.NextSentAsync(2);

        connection.CloseFromServer(code);

        var error = await Assert.ThrowsAsync<GatewayFatalCloseException>(() => Waits.ForAsync(harness.Shard.Completion, "the shard to stop"));
        Assert.Equal(code, error.CloseCode);
        Assert.Single(harness.Server.ConnectAttempts);
    }

    [Theory]
    [InlineData(4007)]
    [InlineData(4009)]
    [InlineData(4003)]
    [InlineData(1000)]
    public async Task Session_invalidating_closes_identify_again_on_the_bootstrap_url(int code)
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync();

        connection.CloseFromServer(code);

        var next = await harness.Server.NextConnectionAsync();
        Assert.Equal(ShardHarness.BootstrapHost, next.Url!.Host);
        next.SendHello();
        await next.NextSentAsync(2);
        Assert.Equal(2, harness.Gate.Calls);
        Assert.Equal(code, harness.Shard.Status.LastCloseCode);
        Assert.Equal(1, harness.Shard.Status.Reconnects[ReconnectCause.GatewayClosed]);
    }

    [Theory]
    [InlineData(4000)]
    [InlineData(4008)]
    [InlineData(1001)]
    [InlineData(1011)]
    public async Task Resumable_closes_resume_on_the_resume_url(int code)
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync();

        connection.CloseFromServer(code);

        var next = await harness.Server.NextConnectionAsync();
        Assert.Equal(ShardHarness.ResumeHost, next.Url!.Host);
        next.SendHello();
        await next.NextSentAsync(6);
        Assert.Equal(1, harness.Gate.Calls);
    }

    [Fact]
    public async Task A_dropped_connection_resumes()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync();

        connection.Drop();

        var next = await harness.Server.NextConnectionAsync();
        next.SendHello();
        await next.NextSentAsync(6);
        Assert.Equal(1, harness.Shard.Status.Reconnects[ReconnectCause.TransportError]);
    }

    [Fact]
    public async Task Repeated_failures_to_reach_the_resume_url_fall_back_to_the_bootstrap_url()
    {
        await using var harness = new ShardHarness();
        harness.Start();
        var connection = await harness.IdentifyAsync();
        harness.Server.Refuse(url => url.Host == ShardHarness.ResumeHost, ShardConnection.ResumeUrlFailureLimit);

        connection.CloseFromServer(4000);

        await Waits.AdvanceUntilAsync(harness.Clock, s_backoffStep, () => harness.Server.HasPendingConnection, "the shard reconnects");
        var next = await harness.Server.NextConnectionAsync();
        Assert.Equal(
            [ShardHarness.BootstrapHost, ShardHarness.ResumeHost, ShardHarness.ResumeHost, ShardHarness.ResumeHost, ShardHarness.BootstrapHost],
            harness.Server.ConnectAttempts.Select(u => u.Host));
        next.SendHello();
        var resume = await next.NextSentAsync(6);
        Assert.Equal("session-1", resume.Data.GetProperty("session_id").GetString());
        Assert.Equal(1, harness.Gate.Calls);
        Assert.Equal(3, harness.Shard.Status.Reconnects[ReconnectCause.ConnectFailed]);
    }

    [Fact]
    public async Task Connect_failures_back_off_exponentially()
    {
        await using var harness = new ShardHarness();
        harness.Server.Refuse(_ => true, 2);
        harness.Start();

        // Base 1 s, "equal" jitter with every draw 0.5: 0.75 s, then 1.5 s.
        await harness.Clock.WaitForTimerAsync(TimeSpan.FromMilliseconds(750));
        harness.Clock.Advance(TimeSpan.FromMilliseconds(749));
        Assert.Single(harness.Server.ConnectAttempts);
        harness.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await harness.Clock.WaitForTimerAsync(TimeSpan.FromMilliseconds(1500));
        Assert.Equal(2, harness.Server.ConnectAttempts.Count);
        harness.Clock.Advance(TimeSpan.FromMilliseconds(1500));

        var connection = await harness.Server.NextConnectionAsync();
        Assert.Equal(3, harness.Server.ConnectAttempts.Count);
        connection.SendHello();
        await connection.NextSentAsync(2);
    }

    [Fact]
    public async Task No_hello_in_time_closes_and_reconnects()
    {
        await using var harness = new ShardHarness(o => o.HelloTimeout = TimeSpan.FromSeconds(5));
        harness.Start();
        var silent = await harness.Server.NextConnectionAsync();
        await harness.Clock.WaitForTimerAsync(TimeSpan.FromSeconds(5));

        harness.Clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(4000, await silent.ClientCloseCodeAsync());
        await Waits.AdvanceUntilAsync(harness.Clock, s_backoffStep, () => harness.Server.HasPendingConnection, "the shard reconnects");
        var next = await harness.Server.NextConnectionAsync();
        next.SendHello();
        await next.NextSentAsync(2);
        Assert.Equal(1, harness.Shard.Status.Reconnects[ReconnectCause.HelloTimeout]);
    }

    [Fact]
    public async Task Resume_is_replaced_by_identify_once_the_session_is_past_the_resume_window()
    {
        await using var harness = new ShardHarness(o => o.SessionResumeWindow = TimeSpan.FromSeconds(30));
        harness.Start();
        var connection = await harness.IdentifyAsync();
        harness.Server.Refuse(_ => true, 100);

        connection.CloseFromServer(4000);
        await Waits.UntilAsync(() => harness.Server.ConnectAttempts.Count == 2, "the first resume attempt");
        harness.Server.Refuse(_ => false, 0);
        harness.Clock.Advance(TimeSpan.FromSeconds(31));
        await Waits.AdvanceUntilAsync(harness.Clock, s_backoffStep, () => harness.Server.HasPendingConnection, "the shard reconnects");

        var next = await harness.Server.NextConnectionAsync();
        Assert.Equal(ShardHarness.BootstrapHost, next.Url!.Host);
        next.SendHello();
        await next.NextSentAsync(2);
        Assert.Null(harness.Shard.ExportSession());
    }
}
