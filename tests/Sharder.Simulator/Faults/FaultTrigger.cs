namespace Sharder.Simulator.Faults;

/// <summary>When a connection fault fires .</summary>
public enum FaultTrigger
{
    Now,
    /// <summary>After <see cref="FaultSpec.AfterDispatches"/> more dispatches were sent on the target connection.</summary>
    AfterDispatches,
    /// <summary>After each dispatch with probability <see cref="FaultSpec.Probability"/> (seeded), once.</summary>
    Probabilistic,
    /// <summary>At <see cref="FaultSpec.AtMs"/> milliseconds from now.</summary>
    At,
}
