namespace Sharder.Client.Commands;

/// <summary>A command was not pushed because the silo would dead-letter it (<see cref="CommandValidator"/>).</summary>
public sealed class CommandRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CommandRejectedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CommandRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CommandRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from a rejecting check.</summary>
    public CommandRejectedException(CommandCheck check)
        : base($"The command was not sent: {check.Reason} ({check.Detail}).")
    {
        Check = check;
    }

    /// <summary>The check that refused the command.</summary>
    public CommandCheck Check { get; }
}
