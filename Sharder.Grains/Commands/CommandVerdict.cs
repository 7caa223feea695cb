namespace Sharder.Grains.Commands;

/// <summary>What <see cref="CommandValidator"/> decided about one payload.</summary>
/// <param name="Reason">Null when the command may be sent.</param>
/// <param name="Detail">Why, in a few words, without any of the payload's content (it may hold a token).</param>
/// <param name="Op">The payload's <c>op</c>, when it got that far.</param>
internal readonly record struct CommandVerdict(CommandRejectReason? Reason, string Detail, int? Op)
{
    public bool IsAccepted => Reason is null;

    internal static CommandVerdict Accept(int op) => new(null, "accepted", op);

    internal static CommandVerdict Reject(CommandRejectReason reason, string detail, int? op = null) => new(reason, detail, op);
}
