namespace Sharder.Grains.Gateway;

/// <summary>
/// Shape checks for session fields read from outside the connection (a Redis checkpoint, a hand-off):
/// a session id is 1 to <see cref="MaxSessionIdLength"/> printable ASCII characters and a sequence is
/// not negative. A session that fails them is not resumed; the shard identifies instead.
/// </summary>
internal static class SessionFieldRules
{
    /// <summary>Longest session id accepted. Discord's are 32 hex characters.</summary>
    public const int MaxSessionIdLength = 128;

    /// <summary>Whether <paramref name="sessionId"/> is 1–128 printable ASCII characters (0x21–0x7E: no spaces, no controls).</summary>
    public static bool IsValidSessionId(string? sessionId)
    {
        if (string.IsNullOrEmpty(sessionId) || sessionId.Length > MaxSessionIdLength)
        {
            return false;
        }

        foreach (var c in sessionId)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Checks a stored session's id and sequence; <paramref name="problem"/> says what is wrong without echoing the id.</summary>
    public static bool IsUsable(string? sessionId, long sequence, out string? problem)
    {
        if (!IsValidSessionId(sessionId))
        {
            problem = sessionId is null
                ? "the session id is missing"
                : $"the session id is not 1 to {MaxSessionIdLength} printable ASCII characters (length {sessionId.Length})";
            return false;
        }

        if (sequence < 0)
        {
            problem = $"the sequence {sequence} is negative";
            return false;
        }

        problem = null;
        return true;
    }
}
