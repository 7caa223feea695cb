namespace Sharder.Silo.Configuration;

/// <summary>The settings read from a <c>.env</c> file, and the lines that could not be read.</summary>
/// <param name="Values">Key to value; a key set twice keeps its last value.</param>
/// <param name="Errors">
/// One message per unreadable line, naming the line number but never its text (the line may hold the token).
/// </param>
internal sealed record DotEnvDocument(IReadOnlyDictionary<string, string> Values, IReadOnlyList<string> Errors)
{
    public static DotEnvDocument Empty { get; } = new(new Dictionary<string, string>(), []);
}
