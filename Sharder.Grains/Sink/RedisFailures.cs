using StackExchange.Redis;

namespace Sharder.Grains.Sink;

/// <summary>
/// Sorts Redis failures: "unreachable or busy for now, retry" apart from answers a retry alone will not
/// fix (out of memory, no permission, a key of the wrong type, a failing script), which someone must see.
/// </summary>
internal static class RedisFailures
{
    // Replies a server sends while it cannot serve writes for now: loading its data, a replica, no
    // primary reachable, or a long-running script.
    private static readonly string[] _transientReplies = ["LOADING", "READONLY", "MASTERDOWN", "BUSY", "TRYAGAIN", "CLUSTERDOWN"];

    public static bool IsUnavailable(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException => true,
        RedisServerException server => _transientReplies.Any(reply => server.Message.StartsWith(reply, StringComparison.Ordinal)),
        _ => false,
    };

    /// <summary>
    /// The error code of a server answer (its first word: OOM, NOPERM, WRONGTYPE, MISCONF, ERR, ...), for
    /// logs, metrics and health; "ERR" answers from a script are "SCRIPT".
    /// </summary>
    public static string ReasonCode(RedisServerException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = exception.Message;
        if (message.StartsWith("ERR", StringComparison.Ordinal))
        {
            // Redis 7 words an ACL refusal inside a script as ERR, not NOPERM.
            if (message.Contains("can't run this command", StringComparison.Ordinal)
                || message.Contains("no permissions", StringComparison.OrdinalIgnoreCase))
            {
                return "NOPERM";
            }

            if (message.Contains("script", StringComparison.OrdinalIgnoreCase))
            {
                return "SCRIPT";
            }
        }

        int space = message.IndexOf(' ', StringComparison.Ordinal);
        var code = space > 0 ? message[..space] : message;
        return code.Length is > 0 and <= 24 && code.All(char.IsAsciiLetterUpper) ? code : "ERR";
    }
}
