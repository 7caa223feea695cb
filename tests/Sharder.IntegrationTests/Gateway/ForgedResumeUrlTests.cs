using System.Net;
using System.Net.Sockets;
using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Compression;
using Xunit.Abstractions;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>
/// Issue 8, "the token goes only to Discord": a session handed to a new shard object (as from a Redis
/// checkpoint anyone who can write Redis can rewrite) whose resume URL points at another host. That host
/// (a listener in the test) must see no connection; the shard resumes through the bootstrap URL and
/// nothing is lost.
/// </summary>
public sealed class ForgedResumeUrlTests(ITestOutputHelper output)
{
    private const int Before = 30;
    private const int WhileAway = 20;
    private const int After = 30;

    /// <param name="forgedHost">The host name written into the resume URL.</param>
    /// <param name="listenAddress">Where the test's listener binds: the address the forged host name resolves to.</param>
    [Theory]
    [InlineData("127.0.0.2", "127.0.0.2")]
    [InlineData("localhost", "127.0.0.1")]
    public async Task A_forged_resume_url_gets_no_connection_and_the_shard_resumes_through_the_bootstrap_url(string forgedHost, string listenAddress)
    {
        using var listener = new TcpListener(IPAddress.Parse(listenAddress), 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = 0;
        using var stopAccepting = new CancellationTokenSource();
        var acceptLoop = AcceptAsync(listener, () => Interlocked.Increment(ref accepted), stopAccepting.Token);

        await using var scenario = await GatewayScenario.StartAsync(output, GatewayCompression.ZlibStream);
        var first = await scenario.StartReadyShardAsync();
        scenario.EmitMessages(Before);
        await scenario.WaitForMessagesAsync(Before);
        var session = first.ExportSession()!;
        await first.StopAsync(ShardStopMode.Resumable);
        scenario.EmitMessages(WhileAway);

        var forged = session with { ResumeUrl = $"ws://{forgedHost}:{port}" };
        var second = scenario.StartShard(session: forged);
        await scenario.WaitResumedAsync(second);
        scenario.EmitMessages(After);
        await scenario.WaitForMessagesAsync(Before + WhileAway + After);

        var report = await scenario.AssertLedgerAsync();
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, Volatile.Read(ref accepted));
        Assert.Equal(GatewayScenario.BootstrapListener, scenario.Connections[^1].Listener);
        Assert.Equal((1, 0), (second.Status.Resumes, second.Status.Identifies));
        Assert.Equal(string.Empty, second.ExportSession()!.ResumeUrl);

        await stopAccepting.CancelAsync();
        listener.Stop();
        await acceptLoop;
        Assert.Equal(0, Volatile.Read(ref accepted));
    }

    /// <summary>The control: once the operator allows the host, the same listener does see the shard (which falls back after three failures).</summary>
    [Fact]
    public async Task An_allowed_resume_host_is_used()
    {
        using var listener = new TcpListener(IPAddress.Parse("127.0.0.2"), 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = 0;
        using var stopAccepting = new CancellationTokenSource();
        var acceptLoop = AcceptAsync(listener, () => Interlocked.Increment(ref accepted), stopAccepting.Token);

        await using var scenario = await GatewayScenario.StartAsync(
            output, GatewayCompression.ZlibStream, configureGateway: g => g.AllowedResumeHosts.Add("127.0.0.2"));
        var first = await scenario.StartReadyShardAsync();
        var session = first.ExportSession()!;
        await first.StopAsync(ShardStopMode.Resumable);

        var second = scenario.StartShard(session: session with { ResumeUrl = $"ws://127.0.0.2:{port}" });
        await scenario.WaitResumedAsync(second);

        Assert.True(Volatile.Read(ref accepted) >= 1, "the allowed host saw the shard");
        await stopAccepting.CancelAsync();
        listener.Stop();
        await acceptLoop;
    }

    private static async Task AcceptAsync(TcpListener listener, Action onAccepted, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync(cancellationToken);
                onAccepted();
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
