using System.Buffers;
using System.Text;

namespace Sharder.Simulator.Events;

/// <summary>
/// Pre-serialized UTF-8 JSON with named slots written as <c>{{name}}</c>. Parsed once; rendering copies the
/// literal pieces and formats the slot values straight into an exact-size buffer.
/// </summary>
internal sealed class JsonTemplate
{
    private readonly byte[][] _literals;
    private readonly int[] _slots;
    private readonly int _literalBytes;

    private JsonTemplate(byte[][] literals, int[] slots)
    {
        _literals = literals;
        _slots = slots;
        _literalBytes = literals.Sum(l => l.Length);
    }

    /// <summary>Number of values <see cref="Render"/> expects (the length of the slot name list).</summary>
    public int ValueCount { get; private init; }

    /// <summary>Parses <paramref name="text"/>; every <c>{{name}}</c> must be one of <paramref name="slotNames"/>.</summary>
    public static JsonTemplate Parse(string text, IReadOnlyList<string> slotNames)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(slotNames);
        var literals = new List<byte[]>();
        var slots = new List<int>();
        int position = 0;
        while (true)
        {
            int open = text.IndexOf("{{", position, StringComparison.Ordinal);
            if (open < 0)
            {
                literals.Add(Encoding.UTF8.GetBytes(text[position..]));
                break;
            }

            int close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FormatException($"Unclosed slot at offset {open}.");
            }

            string name = text[(open + 2)..close];
            int index = IndexOf(slotNames, name);
            if (index < 0)
            {
                throw new FormatException($"Unknown slot '{name}'.");
            }

            literals.Add(Encoding.UTF8.GetBytes(text[position..open]));
            slots.Add(index);
            position = close + 2;
        }

        return new JsonTemplate([.. literals], [.. slots]) { ValueCount = slotNames.Count };
    }

    public int MeasureLength(ReadOnlySpan<TemplateValue> values)
    {
        CheckValueCount(values);
        int length = _literalBytes;
        foreach (int slot in _slots)
        {
            length += values[slot].Length;
        }

        return length;
    }

    /// <summary>Renders into a new array of exactly the rendered length.</summary>
    public byte[] Render(ReadOnlySpan<TemplateValue> values)
    {
        var buffer = new byte[MeasureLength(values)];
        int written = Write(buffer, values);
        return written == buffer.Length ? buffer : throw new InvalidOperationException("Template length mismatch.");
    }

    public void WriteTo(IBufferWriter<byte> writer, ReadOnlySpan<TemplateValue> values)
    {
        int length = MeasureLength(values);
        int written = Write(writer.GetSpan(length), values);
        writer.Advance(written);
    }

    private int Write(Span<byte> destination, ReadOnlySpan<TemplateValue> values)
    {
        int offset = 0;
        for (int i = 0; i < _slots.Length; i++)
        {
            _literals[i].CopyTo(destination[offset..]);
            offset += _literals[i].Length;
            offset += values[_slots[i]].WriteTo(destination[offset..]);
        }

        _literals[^1].CopyTo(destination[offset..]);
        return offset + _literals[^1].Length;
    }

    private void CheckValueCount(ReadOnlySpan<TemplateValue> values)
    {
        if (values.Length != ValueCount)
        {
            throw new ArgumentException($"Expected {ValueCount} template values, got {values.Length}.", nameof(values));
        }
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
