namespace Sharder.Grains.Commands;

/// <summary>The RESP2 reply types.</summary>
internal enum RespReplyKind
{
    /// <summary><c>+OK</c></summary>
    SimpleString,

    /// <summary><c>-ERR …</c></summary>
    Error,

    /// <summary><c>:42</c></summary>
    Integer,

    /// <summary><c>$5 hello</c></summary>
    BulkString,

    /// <summary><c>*2 …</c></summary>
    Array,

    /// <summary><c>$-1</c> or <c>*-1</c> (BLPOP timed out, GET of a missing key).</summary>
    Nil,
}
