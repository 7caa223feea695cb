using Sharder.Client.Messages;
using StackExchange.Redis;

namespace Sharder.Client.Consuming;

/// <summary>One entry taken from an event list, read according to the consumer's <see cref="EntryFormat"/>.</summary>
public sealed class Delivery
{
    internal Delivery(RedisValue value, EntryFormat format, bool recovered)
    {
        Value = value;
        Entry = (ReadOnlyMemory<byte>)value;
        Recovered = recovered;
        try
        {
            switch (format)
            {
                case EntryFormat.Envelope:
                    Message = SharderMessageReader.Read(Entry);
                    break;
                case EntryFormat.SharderBinary:
                    Frame = SharderBinaryFrame.Read(Entry);
                    break;
            }
        }
        catch (SharderFormatException ex)
        {
            FormatError = ex;
        }
    }

    /// <summary>The entry as it is in Redis.</summary>
    public ReadOnlyMemory<byte> Entry { get; }

    /// <summary>The event or marker (<see cref="EntryFormat.Envelope"/>); null otherwise or when unreadable.</summary>
    public SharderMessage? Message { get; }

    /// <summary>The frame (<see cref="EntryFormat.SharderBinary"/>); null otherwise or when unreadable.</summary>
    public SharderBinaryFrame? Frame { get; }

    /// <summary>Why the entry could not be read; it is delivered anyway, so the worker decides (ack it, keep it elsewhere).</summary>
    public SharderFormatException? FormatError { get; }

    /// <summary>
    /// The entry was found in this consumer's processing list at start or after a connection failure: an earlier
    /// run (or an interrupted call) took it and did not acknowledge it, so it may have been handled already.
    /// </summary>
    public bool Recovered { get; }

    /// <summary>The event, when the entry is one.</summary>
    public SharderEvent? Event => Message as SharderEvent;

    /// <summary>The marker, when the entry is one.</summary>
    public SharderMarker? Marker => Message as SharderMarker;

    internal RedisValue Value { get; }
}
