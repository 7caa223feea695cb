using System.Buffers.Binary;
using System.Text.Json;
using Sharder.Grains.Commands;
using Sharder.Simulator.Ledger;
using StackExchange.Redis;

namespace Sharder.IntegrationTests.Cluster;

/// <summary>
/// A worker written the sharder-binary way: <c>BLPOP {list}</c>, strip the 2-byte little-endian shard id
/// from the end, read op/s/t from the gateway frame, and take each shard's session id from its READY.
/// What it popped becomes <see cref="SinkRecord"/>s in pop order for the simulator's ledger.
/// </summary>
internal sealed class SharderBinaryWorker : IAsyncDisposable
{
    private const string BlockSeconds = "0.2";
    private static readonly TimeSpan _responseTimeout = TimeSpan.FromSeconds(5);

    private readonly string _list;
    private readonly RespEndpoint _endpoint;
    private readonly Lock _gate = new();
    private readonly List<SinkRecord> _records = [];
    private readonly List<string> _problems = [];
    private readonly Dictionary<int, string> _sessionByShard = [];
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private long _bytes;

    public SharderBinaryWorker(string redisConnectionString, string list)
    {
        _endpoint = RespEndpoint.FromConfiguration(ConfigurationOptions.Parse(redisConnectionString));
        _list = list;
    }

    /// <summary>The dispatches popped so far, in pop order.</summary>
    public IReadOnlyList<SinkRecord> Records
    {
        get
        {
            lock (_gate)
            {
                return [.. _records];
            }
        }
    }

    /// <summary>Elements that were not what sharder-binary promises (no trailer, not a dispatch, wrong shard).</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_gate)
            {
                return [.. _problems];
            }
        }
    }

    /// <summary>Bytes popped, trailers included.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public void Start() => _loop = Task.Run(() => PopAsync(_stopping.Token));

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
                // Stopped while BLPOP was waiting.
            }
        }

        _stopping.Dispose();
    }

    private async Task PopAsync(CancellationToken stopping)
    {
        using var connection = await RespConnection.ConnectAsync(_endpoint, _responseTimeout, TimeProvider.System, stopping);
        string[] blpop = ["BLPOP", _list, BlockSeconds];
        while (!stopping.IsCancellationRequested)
        {
            var reply = (await connection.ExecuteAsync(blpop, _responseTimeout, stopping)).ThrowIfError();
            if (!reply.IsNil)
            {
                Consume(reply.Items[1].Bytes);
            }
        }
    }

    private void Consume(ReadOnlyMemory<byte> element)
    {
        Interlocked.Add(ref _bytes, element.Length);
        lock (_gate)
        {
            if (element.Length < sizeof(ushort) + 2)
            {
                _problems.Add($"element of {element.Length} bytes has no frame before its trailer");
                return;
            }

            int shardId = BinaryPrimitives.ReadUInt16LittleEndian(element.Span[^sizeof(ushort)..]);
            using var frame = JsonDocument.Parse(element[..^sizeof(ushort)]);
            var root = frame.RootElement;
            if (root.GetProperty("op").GetInt32() != 0)
            {
                _problems.Add($"shard {shardId}: a non-dispatch frame (op {root.GetProperty("op").GetInt32()}) was pushed");
                return;
            }

            var type = root.GetProperty("t").GetString()!;
            var sequence = root.GetProperty("s").GetInt64();
            if (type == "READY")
            {
                var data = root.GetProperty("d");
                _sessionByShard[shardId] = data.GetProperty("session_id").GetString()!;
                var readyShard = data.GetProperty("shard")[0].GetInt32();
                if (readyShard != shardId)
                {
                    _problems.Add($"READY of shard {readyShard} carried trailer shard {shardId}");
                }
            }

            _records.Add(new SinkRecord(shardId, _sessionByShard.GetValueOrDefault(shardId), sequence, type, null));
        }
    }
}
