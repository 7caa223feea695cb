namespace Sharder.Client.Sharding;

/// <summary><c>{prefix}:sharding</c> is not a record the silo writes: a field is missing, malformed or contradicts another.</summary>
public sealed class ShardingRecordFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public ShardingRecordFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ShardingRecordFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ShardingRecordFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
