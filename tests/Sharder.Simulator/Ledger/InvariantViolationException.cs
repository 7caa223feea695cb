namespace Sharder.Simulator.Ledger;

/// <summary>Thrown by <see cref="InvariantReport.AssertOk"/> when a scenario broke an invariant.</summary>
public sealed class InvariantViolationException : Exception
{
    public InvariantViolationException()
    {
    }

    public InvariantViolationException(string message)
        : base(message)
    {
    }

    public InvariantViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
