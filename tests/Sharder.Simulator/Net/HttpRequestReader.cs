using System.Text;

namespace Sharder.Simulator.Net;

/// <summary>Reads and parses HTTP/1.1 request heads and Content-Length bodies by hand.</summary>
internal static class HttpRequestReader
{
    /// <summary>Largest accepted request line plus headers, including the blank line.</summary>
    public const int MaxHeadBytes = 16 * 1024;

    private static ReadOnlySpan<byte> HeadTerminator => "\r\n\r\n"u8;

    /// <summary>
    /// Reads until the blank line that ends the head. Bytes read past it (a body, or early WebSocket
    /// frames) are returned as <see cref="HeadReadResult.Leftover"/>.
    /// </summary>
    public static async ValueTask<HeadReadResult> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxHeadBytes];
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                return new HeadReadResult(HeadReadStatus.TooLarge, default, default);
            }

            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return new HeadReadResult(HeadReadStatus.ConnectionClosed, default, default);
            }

            // The terminator may straddle the previous read.
            var searchFrom = Math.Max(0, filled - (HeadTerminator.Length - 1));
            filled += read;
            var end = buffer.AsSpan(searchFrom, filled - searchFrom).IndexOf(HeadTerminator);
            if (end >= 0)
            {
                var headLength = searchFrom + end + HeadTerminator.Length;
                return new HeadReadResult(
                    HeadReadStatus.Complete, buffer.AsMemory(0, headLength), buffer.AsMemory(headLength, filled - headLength));
            }
        }
    }

    /// <summary>Parses a head that ends with an empty line; false for anything malformed.</summary>
    public static bool TryParseHead(ReadOnlySpan<byte> head, out HttpRequestHead parsed)
    {
        parsed = null!;
        var text = Encoding.Latin1.GetString(head);
        var lines = text.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || requestLine[0].Length == 0 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return false;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.AsSpan(1))
        {
            if (line.Length == 0)
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || char.IsWhiteSpace(line[0]) || line.AsSpan(0, colon).ContainsAny(" \t"))
            {
                return false;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(' ', '\t');
            headers[name] = headers.TryGetValue(name, out var existing) ? existing + ", " + value : value;
        }

        var (path, query) = SplitTarget(requestLine[1]);
        parsed = new HttpRequestHead { Method = requestLine[0], Path = path, Query = query, Headers = headers };
        return true;
    }

    /// <summary>
    /// Splits a request target into its verbatim path and decoded query. Accepts origin form
    /// ("/x?a=1", "//?a=1"), a bare query ("?a=1", path "") and absolute form ("http://h/x?a=1").
    /// </summary>
    public static (string Path, Dictionary<string, string> Query) SplitTarget(string target)
    {
        var schemeEnd = target.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0 && char.IsAsciiLetter(target[0]) && target.AsSpan(0, schemeEnd).IndexOfAny('/', '?') < 0)
        {
            var pathStart = target.IndexOfAny(['/', '?'], schemeEnd + 3);
            target = pathStart < 0 ? "/" : target[pathStart..];
        }

        var questionMark = target.IndexOf('?', StringComparison.Ordinal);
        if (questionMark < 0)
        {
            return (target, new Dictionary<string, string>(StringComparer.Ordinal));
        }

        return (target[..questionMark], ParseQuery(target.AsSpan(questionMark + 1)));
    }

    /// <summary>Reads a Content-Length body, starting with bytes already read past the head.</summary>
    public static async ValueTask<byte[]> ReadBodyAsync(
        Stream stream, ReadOnlyMemory<byte> leftover, int contentLength, CancellationToken cancellationToken)
    {
        var body = new byte[contentLength];
        var fromLeftover = Math.Min(contentLength, leftover.Length);
        leftover.Span[..fromLeftover].CopyTo(body);
        await stream.ReadExactlyAsync(body.AsMemory(fromLeftover), cancellationToken).ConfigureAwait(false);
        return body;
    }

    private static Dictionary<string, string> ParseQuery(ReadOnlySpan<char> query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            var equals = pair.IndexOf('=');
            var key = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? [] : pair[(equals + 1)..];
            result.TryAdd(Decode(key), Decode(value));
        }

        return result;
    }

    private static string Decode(ReadOnlySpan<char> component) =>
        Uri.UnescapeDataString(component.ToString().Replace('+', ' '));
}
