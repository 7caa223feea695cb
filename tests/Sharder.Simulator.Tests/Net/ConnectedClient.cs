using System.Net.WebSockets;
using Sharder.Simulator.Net;

namespace Sharder.Simulator.Tests.Net;

/// <summary>Both ends of one test connection: the real client and the server's <see cref="WsConnection"/>.</summary>
internal sealed record ConnectedClient(ClientWebSocket Client, WsConnection Connection, HttpRequest Request) : IDisposable
{
    public void Dispose() => Client.Dispose();
}
