namespace Sharder.Simulator.Rest;

/// <summary>A REST fault applied to the next <see cref="Count"/> requests to /gateway(/bot).</summary>
public sealed record RestFault(RestFaultKind Kind, int Count = 1, int DelayMs = 0, double RetryAfterSeconds = 1.5, int Status = 502);
