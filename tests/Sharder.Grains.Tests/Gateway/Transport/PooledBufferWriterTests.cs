using Sharder.Grains.Gateway.Transport;

namespace Sharder.Grains.Tests.Gateway.Transport;

public sealed class PooledBufferWriterTests
{
    [Fact]
    public void Grows_and_keeps_what_was_written()
    {
        using var writer = new PooledBufferWriter(initialBytes: 16);
        var data = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();

        foreach (var chunk in data.Chunk(7))
        {
            chunk.CopyTo(writer.GetSpan(chunk.Length));
            writer.Advance(chunk.Length);
        }

        Assert.Equal(data, writer.WrittenSpan.ToArray());
        Assert.Equal(1000, writer.WrittenCount);
    }

    [Fact]
    public void Clear_reuses_a_normal_buffer_and_gives_back_a_huge_one()
    {
        using var writer = new PooledBufferWriter(initialBytes: 1024);
        writer.Advance(writer.GetSpan(100).Length);
        var capacity = writer.Capacity;

        writer.Clear();
        Assert.Equal(0, writer.WrittenCount);
        Assert.Equal(capacity, writer.Capacity);

        writer.GetSpan(PooledBufferWriter.RetainLimitBytes + 1);
        writer.Advance(PooledBufferWriter.RetainLimitBytes + 1);
        Assert.True(writer.Capacity > PooledBufferWriter.RetainLimitBytes);
        writer.Clear();
        Assert.True(writer.Capacity <= PooledBufferWriter.RetainLimitBytes);
    }

    [Fact]
    public void Nothing_is_rented_before_the_first_write_and_Release_gives_the_array_back()
    {
        using var writer = new PooledBufferWriter(initialBytes: 1024);
        Assert.Equal(0, writer.Capacity);

        "abc"u8.CopyTo(writer.GetSpan(3));
        writer.Advance(3);
        Assert.True(writer.Capacity >= 1024);

        writer.Release();
        Assert.Equal(0, writer.Capacity);
        Assert.Equal(0, writer.WrittenCount);

        "de"u8.CopyTo(writer.GetSpan(2));
        writer.Advance(2);
        Assert.Equal("de"u8.ToArray(), writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void A_disposed_writer_cannot_be_written()
    {
        var writer = new PooledBufferWriter(initialBytes: 16);
        writer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => writer.GetSpan());
    }

    [Fact]
    public void Advancing_past_the_span_is_rejected()
    {
        using var writer = new PooledBufferWriter(initialBytes: 16);
        var available = writer.GetSpan().Length;

        Assert.Throws<InvalidOperationException>(() => writer.Advance(available + 1));
    }
}
