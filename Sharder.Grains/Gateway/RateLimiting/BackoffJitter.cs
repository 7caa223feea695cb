namespace Sharder.Grains.Gateway.RateLimiting;

/// <summary>How <see cref="ReconnectBackoff"/> randomizes each exponential delay d.</summary>
internal enum BackoffJitter
{
    /// <summary>Exactly d (deterministic; for tests and diagnostics).</summary>
    None,

    /// <summary>Uniform in [0, d): spreads reconnects the most.</summary>
    Full,

    /// <summary>d/2 plus uniform in [0, d/2): keeps at least half the delay.</summary>
    Equal,
}
