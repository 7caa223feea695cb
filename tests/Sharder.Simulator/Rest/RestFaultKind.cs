namespace Sharder.Simulator.Rest;

/// <summary>REST fault knobs of .</summary>
public enum RestFaultKind
{
    /// <summary>429 with Retry-After and Discord's rate-limit body.</summary>
    TooManyRequests,
    /// <summary>A 5xx answer (status in <see cref="RestFault.Status"/>, default 502).</summary>
    ServerError,
    /// <summary>Answer normally after <see cref="RestFault.DelayMs"/>.</summary>
    Slow,
}
