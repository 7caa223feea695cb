namespace Sharder.Grains.Gateway.Transport;

/// <summary>The outcome of one <see cref="IGatewayTransport.ReceiveAsync"/> call.</summary>
internal readonly struct TransportReceiveResult
{
    private TransportReceiveResult(TransportMessageType messageType, int count, bool endOfMessage, int? closeCode, string? closeReason)
    {
        MessageType = messageType;
        Count = count;
        EndOfMessage = endOfMessage;
        CloseCode = closeCode;
        CloseReason = closeReason;
    }

    public TransportMessageType MessageType { get; }

    /// <summary>Bytes appended to the destination by this call.</summary>
    public int Count { get; }

    /// <summary>Whether this call completed the message.</summary>
    public bool EndOfMessage { get; }

    /// <summary>The peer's close code; <see langword="null"/> for a close frame without one.</summary>
    public int? CloseCode { get; }

    /// <summary>The peer's close reason, if any.</summary>
    public string? CloseReason { get; }

    public static TransportReceiveResult Data(TransportMessageType messageType, int count, bool endOfMessage) =>
        new(messageType, count, endOfMessage, null, null);

    public static TransportReceiveResult Closed(int? code, string? reason) =>
        new(TransportMessageType.Close, 0, true, code, reason);
}
