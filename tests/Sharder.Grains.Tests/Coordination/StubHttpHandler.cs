using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Sharder.Grains.Tests.Coordination;

/// <summary>
/// An <see cref="HttpMessageHandler"/> that answers from a queue of scripted responses and records every
/// request (with its headers) so tests run without a network.
/// </summary>
internal sealed class StubHttpHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpRequestMessage, HttpResponseMessage>> _responses = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly SemaphoreSlim _requestSeen = new(0);

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public StubHttpHandler Respond(HttpStatusCode status, string? json = null, Action<HttpResponseMessage>? configure = null)
    {
        _responses.Enqueue(_ =>
        {
            var response = new HttpResponseMessage(status);
            if (json is not null)
            {
                response.Content = new StringContent(json, Encoding.UTF8, "application/json");
            }

            configure?.Invoke(response);
            return response;
        });
        return this;
    }

    public StubHttpHandler Throw(Exception exception)
    {
        _responses.Enqueue(_ => throw exception);
        return this;
    }

    /// <summary>Waits until <paramref name="count"/> requests have arrived in total.</summary>
    public async Task WaitForRequestsAsync(int count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (_requests.Count < count)
        {
            await _requestSeen.WaitAsync(deadline.Token);
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        _requests.Enqueue(new RecordedRequest(
            request.Method,
            request.RequestUri!,
            request.Headers.Authorization?.ToString(),
            request.Headers.TryGetValues("User-Agent", out var agents) ? string.Join(" ", agents) : null));
        _requestSeen.Release();

        if (!_responses.TryDequeue(out var respond))
        {
            throw new InvalidOperationException($"No scripted response left for {request.Method} {request.RequestUri}.");
        }

        return Task.FromResult(respond(request));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _requestSeen.Dispose();
        }

        base.Dispose(disposing);
    }
}
