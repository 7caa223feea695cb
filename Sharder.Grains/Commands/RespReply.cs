using System.Text;

namespace Sharder.Grains.Commands;

/// <summary>One reply read by <see cref="RespConnection"/>.</summary>
internal sealed class RespReply
{
    public static readonly RespReply Nil = new(RespReplyKind.Nil, default, 0, []);

    private RespReply(RespReplyKind kind, ReadOnlyMemory<byte> bytes, long integer, IReadOnlyList<RespReply> items)
    {
        Kind = kind;
        Bytes = bytes;
        Integer = integer;
        Items = items;
    }

    public RespReplyKind Kind { get; }

    /// <summary>The text of a simple string or error, or the content of a bulk string (a copy owned by this reply).</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The value of an integer reply.</summary>
    public long Integer { get; }

    /// <summary>The elements of an array reply.</summary>
    public IReadOnlyList<RespReply> Items { get; }

    public bool IsNil => Kind == RespReplyKind.Nil;

    /// <summary><see cref="Bytes"/> as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Bytes.Span);

    public static RespReply SimpleString(ReadOnlyMemory<byte> text) => new(RespReplyKind.SimpleString, text, 0, []);

    public static RespReply Error(ReadOnlyMemory<byte> text) => new(RespReplyKind.Error, text, 0, []);

    public static RespReply FromInteger(long value) => new(RespReplyKind.Integer, default, value, []);

    public static RespReply BulkString(ReadOnlyMemory<byte> content) => new(RespReplyKind.BulkString, content, 0, []);

    public static RespReply Array(IReadOnlyList<RespReply> items) => new(RespReplyKind.Array, default, 0, items);

    /// <summary>Throws <see cref="RespErrorException"/> for an error reply; returns this reply otherwise.</summary>
    public RespReply ThrowIfError() => Kind == RespReplyKind.Error ? throw new RespErrorException(Text) : this;

    public override string ToString() => Kind switch
    {
        RespReplyKind.Integer => $"(integer) {Integer}",
        RespReplyKind.Array => $"(array of {Items.Count})",
        RespReplyKind.Nil => "(nil)",
        RespReplyKind.BulkString => $"(bulk string of {Bytes.Length} bytes)",
        _ => $"({Kind}) {Text}",
    };
}
