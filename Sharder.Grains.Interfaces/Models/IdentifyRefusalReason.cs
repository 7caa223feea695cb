namespace Sharder.Grains.Interfaces.Models;

/// <summary>Why the coordinator did not grant an identify slot.</summary>
public enum IdentifyRefusalReason
{
    /// <summary>Not refused: a slot was granted.</summary>
    None = 0,

    /// <summary>The daily session-start budget is down to the reserve; ask again when it resets.</summary>
    BudgetExhausted = 1,

    /// <summary><c>/gateway/bot</c> has not been read yet, so the budget and <c>max_concurrency</c> are unknown.</summary>
    GatewayInfoUnknown = 2,
}
