using Sharder.Bench.Gateway.Recording;
using Sharder.Grains.Gateway;
using Sharder.Grains.Gateway.Compression;
using Sharder.Grains.Gateway.Protocol;
using Sharder.Grains.Gateway.Transport;

namespace Sharder.Bench.Gateway.HotPath;

/// <summary>
/// Replays one recorded stream through the receive path of <c>ShardConnection.HandleMessageAsync</c>:
/// <see cref="IGatewayDecompressor.Decompress"/> into one reused <see cref="PooledBufferWriter"/>, then
/// <see cref="GatewayPayloadPeek.TryPeek"/>, then (optionally) the payload copy handed to the sink.
/// </summary>
internal sealed class HotPathRunner : IDisposable
{
    private readonly RecordedStream _stream;
    private readonly BenchCorpus _corpus;
    private readonly TimeProvider _time;
    private readonly IGatewayDecompressor _decompressor;
    private readonly PooledBufferWriter _json = new();
    private readonly FrameSink _sink = new();

    public HotPathRunner(RecordedStream stream, BenchCorpus corpus, TimeProvider time)
    {
        if (stream.Count < 2)
        {
            throw new ArgumentException("A replay needs at least two messages: the first one is not measured.", nameof(stream));
        }

        _stream = stream;
        _corpus = corpus;
        _time = time;
        _decompressor = GatewayDecompressors.Create(stream.Mode, GatewayOptions.DEFAULT_MAX_DECOMPRESSED_MESSAGE_BYTES);
    }

    /// <summary>The check of the most recent replay.</summary>
    public ReplayCheck? LastCheck { get; private set; }

    /// <summary>Replays the whole stream on a fresh decompression context and times every message after the first.</summary>
    public PassResult Run(bool copyToSink)
    {
        var check = new ReplayCheck(_corpus);
        StartReplay(copyToSink, check);

        // Start the window on an empty gen0, so collections inside it are caused by the window alone.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        var gen0 = GC.CollectionCount(0);
        var gen1 = GC.CollectionCount(1);
        var gen2 = GC.CollectionCount(2);
        var decompressedBefore = check.DecompressedBytes;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var started = _time.GetTimestamp();

        for (var i = 1; i < _stream.Count; i++)
        {
            ProcessMessage(i, copyToSink, check);
        }

        var elapsed = _time.GetElapsedTime(started);
        var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        if (copyToSink)
        {
            check.OnSinkReceived(_sink.Count, _sink.LatestLength);
        }

        return new PassResult(
            copyToSink,
            _stream.Count - 1,
            elapsed,
            cpu,
            check.DecompressedBytes - decompressedBefore,
            allocated,
            GC.CollectionCount(0) - gen0,
            GC.CollectionCount(1) - gen1,
            GC.CollectionCount(2) - gen2);
    }

    /// <summary>
    /// Replays the stream without the copy, reading the allocation counter around each stage, to show
    /// where any per-frame allocation comes from. Not timed: the counter reads cost more than the stages.
    /// </summary>
    public StageAllocations MeasureStages()
    {
        var check = new ReplayCheck(_corpus);
        var startBefore = GC.GetAllocatedBytesForCurrentThread();
        StartReplay(copyToSink: false, check);
        var connectionStartBytes = GC.GetAllocatedBytesForCurrentThread() - startBefore;
        long decompressBytes = 0;
        long peekBytes = 0;
        for (var i = 1; i < _stream.Count; i++)
        {
            _json.Clear();
            var before = GC.GetAllocatedBytesForCurrentThread();
            var result = _decompressor.Decompress(_stream.Message(i), _json);
            var afterDecompress = GC.GetAllocatedBytesForCurrentThread();
            var peeked = GatewayPayloadPeek.TryPeek(_json.WrittenSpan, out var header);
            var afterPeek = GC.GetAllocatedBytesForCurrentThread();
            decompressBytes += afterDecompress - before;
            peekBytes += afterPeek - afterDecompress;

            if (result == DecompressResult.Incomplete)
            {
                check.OnIncomplete(i);
            }
            else if (!peeked)
            {
                check.OnMalformed(i);
            }
            else
            {
                check.OnFrame(header, i, _json.WrittenCount);
            }
        }

        return new StageAllocations(_stream.Count - 1, decompressBytes, peekBytes, connectionStartBytes);
    }

    public void Dispose()
    {
        _decompressor.Dispose();
        _json.Dispose();
    }

    /// <summary>
    /// Resets the context and feeds the first message outside any window: it stands in for Hello,
    /// which pays the first-use costs (inflater buffers, output buffer growth) on a real connection.
    /// </summary>
    private void StartReplay(bool copyToSink, ReplayCheck check)
    {
        LastCheck = check;
        _decompressor.Reset();
        _sink.Clear();
        ProcessMessage(0, copyToSink, check);
    }

    private void ProcessMessage(int index, bool copyToSink, ReplayCheck check)
    {
        _json.Clear();
        if (_decompressor.Decompress(_stream.Message(index), _json) == DecompressResult.Incomplete)
        {
            check.OnIncomplete(index);
            return;
        }

        var json = _json.WrittenSpan;
        if (!GatewayPayloadPeek.TryPeek(json, out var header))
        {
            check.OnMalformed(index);
            return;
        }

        check.OnFrame(header, index, json.Length);
        if (copyToSink)
        {
            // The one allowed allocation per frame, as in ShardConnection.HandleDispatchAsync.
            _sink.Accept(json.ToArray());
        }
    }
}
