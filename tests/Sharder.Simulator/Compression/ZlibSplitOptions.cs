namespace Sharder.Simulator.Compression;

/// <summary>Extra shapes <see cref="ZlibSplitter"/> must produce .</summary>
[Flags]
public enum ZlibSplitOptions
{
    /// <summary>Only seeded random split points.</summary>
    None = 0,

    /// <summary>The last piece is exactly the 4-byte sync-flush suffix <c>00 00 FF FF</c>.</summary>
    SuffixAsLastPiece = 1,

    /// <summary>At least one piece is a single byte.</summary>
    IncludeOneBytePiece = 2,
}
