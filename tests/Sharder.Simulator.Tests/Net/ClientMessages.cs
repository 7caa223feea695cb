using System.Net.WebSockets;

namespace Sharder.Simulator.Tests.Net;

/// <summary>Receives whole messages on a <see cref="ClientWebSocket"/>, keeping count of the frames.</summary>
internal static class ClientMessages
{
    public static async Task<(WebSocketMessageType Type, byte[] Data, int Frames)> ReceiveMessageAsync(this WebSocket client)
    {
        using var data = new MemoryStream();
        var buffer = new byte[64 * 1024];
        var frames = 0;
        while (true)
        {
            var result = await client.ReceiveAsync(buffer, CancellationToken.None).Within("a message on the client");
            frames++;
            data.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (result.MessageType, data.ToArray(), frames);
            }
        }
    }

    public static Task SendTextAsync(this WebSocket client, byte[] payload) =>
        client.SendAsync(payload, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).Within("the client to send");
}
