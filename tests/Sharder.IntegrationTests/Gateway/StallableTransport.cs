using System.Buffers;
using Sharder.Grains.Gateway.Transport;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>One connection of a <see cref="StallableTransportFactory"/>: payload sends wait while sends are stalled; reads and close frames are never held.</summary>
internal sealed class StallableTransport(IGatewayTransport inner, StallableTransportFactory owner) : IGatewayTransport
{
    public ValueTask ConnectAsync(Uri url, CancellationToken cancellationToken) => inner.ConnectAsync(url, cancellationToken);

    public ValueTask<TransportReceiveResult> ReceiveAsync(IBufferWriter<byte> destination, CancellationToken cancellationToken) =>
        inner.ReceiveAsync(destination, cancellationToken);

    public async ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        await owner.WhenSendsAllowed().WaitAsync(cancellationToken);
        await inner.SendAsync(payload, cancellationToken);
    }

    public ValueTask CloseAsync(int code, string reason, CancellationToken cancellationToken) => inner.CloseAsync(code, reason, cancellationToken);

    public void Abort() => inner.Abort();

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
