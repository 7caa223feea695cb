using System.Text;
using Sharder.Simulator.Net;
using Xunit;

namespace Sharder.Simulator.Tests.Net;

public sealed class HttpRequestReaderTests
{
    [Theory]
    [InlineData("/", "/", "")]
    [InlineData("//?v=10", "//", "v=10")]
    [InlineData("?v=10&encoding=json", "", "v=10;encoding=json")]
    [InlineData("/api/v10/gateway/bot", "/api/v10/gateway/bot", "")]
    [InlineData("/a%20b?q=%7B%7D&p=x+y&empty=&bare", "/a%20b", "q={};p=x y;empty=;bare=")]
    [InlineData("http://127.0.0.1:9/x?v=9", "/x", "v=9")]
    [InlineData("http://127.0.0.1:9", "/", "")]
    [InlineData("?next=http://example.invalid/x", "", "next=http://example.invalid/x")]
    [InlineData("/?k=1&k=2", "/", "k=1")]
    public void Targets_split_into_a_verbatim_path_and_a_decoded_query(string target, string path, string query)
    {
        var (actualPath, actualQuery) = HttpRequestReader.SplitTarget(target);

        Assert.Equal(path, actualPath);
        Assert.Equal(query, string.Join(';', actualQuery.Select(p => $"{p.Key}={p.Value}")));
    }

    [Fact]
    public void A_head_parses_into_method_target_and_case_insensitive_headers()
    {
        var head = "GET /?v=10 HTTP/1.1\r\nHost: h\r\nX-Twice: a\r\nx-twice: b\r\nUser-Agent:  DiscordBot (x, 1)  \r\n\r\n"u8;

        Assert.True(HttpRequestReader.TryParseHead(head, out var parsed));

        Assert.Equal("GET", parsed.Method);
        Assert.Equal("/", parsed.Path);
        Assert.Equal("10", parsed.Query["v"]);
        Assert.Equal("a, b", parsed.Headers["X-TWICE"]);
        Assert.Equal("DiscordBot (x, 1)", parsed.Headers["user-agent"]);
    }

    [Theory]
    [InlineData("GET /\r\n\r\n")]
    [InlineData("GET / SPDY/3\r\n\r\n")]
    [InlineData("GET  / HTTP/1.1\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nNo colon here\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\n folded: x\r\n\r\n")]
    public void Malformed_heads_are_rejected(string head)
    {
        Assert.False(HttpRequestReader.TryParseHead(Encoding.ASCII.GetBytes(head), out _));
    }

    [Fact]
    public async Task The_head_is_found_across_reads_and_bytes_after_it_are_kept()
    {
        // 27-byte head read 5 bytes at a time: the terminator spans two reads, and the read that
        // completes it also brings the first 3 body bytes.
        var bytes = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: h\r\n\r\nBODY");
        using var trickle = new TrickleStream(bytes, chunk: 5);

        var result = await HttpRequestReader.ReadHeadAsync(trickle, CancellationToken.None);

        Assert.Equal(HeadReadStatus.Complete, result.Status);
        Assert.Equal("GET / HTTP/1.1\r\nHost: h\r\n\r\n", Encoding.ASCII.GetString(result.Head.Span));
        Assert.Equal("BOD", Encoding.ASCII.GetString(result.Leftover.Span));
    }

    [Fact]
    public async Task A_head_without_an_end_within_16_KiB_is_too_large_and_an_early_close_is_reported()
    {
        using var endless = new TrickleStream(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n" + new string('x', 20_000)), chunk: 4096);
        using var cut = new TrickleStream(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost"), chunk: 5);

        Assert.Equal(HeadReadStatus.TooLarge, (await HttpRequestReader.ReadHeadAsync(endless, CancellationToken.None)).Status);
        Assert.Equal(HeadReadStatus.ConnectionClosed, (await HttpRequestReader.ReadHeadAsync(cut, CancellationToken.None)).Status);
    }

    /// <summary>Returns its content a few bytes per read, then end of stream.</summary>
    private sealed class TrickleStream(byte[] content, int chunk) : MemoryStream(content)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
