namespace Sharder.Client.Commands;

/// <summary>What <see cref="CommandValidator"/> decided about one payload.</summary>
/// <param name="Reason">Null when the silo will send the command.</param>
/// <param name="Detail">Why, in a few words, without the payload's content.</param>
/// <param name="Op">The payload's <c>op</c>, when it got that far.</param>
public readonly record struct CommandCheck(CommandRejectReason? Reason, string Detail, int? Op)
{
    /// <summary>Whether the silo will pass the command to the gateway.</summary>
    public bool IsAccepted => Reason is null;

    internal static CommandCheck Accept(int op) => new(null, "accepted", op);

    internal static CommandCheck Reject(CommandRejectReason reason, string detail, int? op = null) => new(reason, detail, op);
}
