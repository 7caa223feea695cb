namespace Sharder.Simulator.Apps;

internal enum IdentifyDecision
{
    Accepted,
    /// <summary>Too soon after the last accepted identify on the same rate-limit key: op 9.</summary>
    ConcurrencyViolation,
    /// <summary>The identify would exceed the daily budget: Discord resets the token .</summary>
    BudgetExhausted,
}
