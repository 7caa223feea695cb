namespace Sharder.Grains.Tests.Coordination;

/// <summary>What <see cref="StubHttpHandler"/> saw of one request.</summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Authorization, string? UserAgent);
