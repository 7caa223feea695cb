namespace Sharder.Client.Messages;

/// <summary>The <c>marker</c> values of envelope v1.</summary>
public static class MarkerKinds
{
    /// <summary>The session continued after <c>seq</c>: nothing was missed.</summary>
    public const string Resumed = "resumed";

    /// <summary>A new session replaced <c>previous_session</c>: events after <c>previous_seq</c> are gone.</summary>
    public const string Reidentified = "reidentified";

    /// <summary>The checkpoint in Redis did not describe the shard (Redis lost data): events between the two positions are gone.</summary>
    public const string Resynced = "resynced";

    /// <summary>The list's length bound dropped its oldest entries.</summary>
    public const string Trimmed = "trimmed";
}
