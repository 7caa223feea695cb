using Microsoft.Extensions.Options;

namespace Sharder.Grains.Sink;

/// <summary>
/// Checks <see cref="RedisOutputOptions"/> and reports every problem at once, each naming
/// <c>Section:Property</c> (the configuration key) and how to fix it.
/// </summary>
public sealed class RedisOutputOptionsValidator : IValidateOptions<RedisOutputOptions>
{
    internal const int MaxPartitions = 1024;

    private const string Name = RedisOutputOptions.SectionName;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RedisOutputOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (!Enum.IsDefined(options.Format))
        {
            failures.Add($"{Name}:{nameof(RedisOutputOptions.Format)} is {(int)options.Format}; "
                + $"set it to {string.Join(" or ", Enum.GetNames<RedisOutputFormat>())}.");
        }

        if (!Enum.IsDefined(options.Layout))
        {
            failures.Add($"{Name}:{nameof(RedisOutputOptions.Layout)} is {(int)options.Layout}; "
                + $"set it to {string.Join(", ", Enum.GetNames<EventListLayout>())}.");
        }
        else if (options.Format == RedisOutputFormat.SharderBinary && options.Layout != EventListLayout.Single)
        {
            failures.Add($"{Name}:{nameof(RedisOutputOptions.Layout)} is {options.Layout}, but the "
                + $"{RedisOutputFormat.SharderBinary} format always pushes to one list ({{prefix}}:from); "
                + $"set {Name}:{nameof(RedisOutputOptions.Layout)} to {EventListLayout.Single} "
                + $"or {Name}:{nameof(RedisOutputOptions.Format)} to {RedisOutputFormat.Envelope}.");
        }

        ValidateKeyLayout(options, failures);

        if (string.IsNullOrEmpty(options.KeyPrefix) || options.KeyPrefix.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            failures.Add($"{Name}:{nameof(RedisOutputOptions.KeyPrefix)} is \"{options.KeyPrefix}\"; "
                + $"set it to a non-empty name without spaces, such as \"{RedisOutputOptions.DEFAULT_KEY_PREFIX}\".");
        }

        if (options.Partitions is < 1 or > MaxPartitions)
        {
            failures.Add($"{Name}:{nameof(RedisOutputOptions.Partitions)} is {options.Partitions}; "
                + $"set it between 1 and {MaxPartitions} (default {RedisOutputOptions.DEFAULT_PARTITIONS}).");
        }

        if (options.MaxLength < 0)
        {
            failures.Add($"{Name}:{nameof(RedisOutputOptions.MaxLength)} is {options.MaxLength}; "
                + "set it to 0 (no bound, the default) or to the most entries an event list may keep, such as 1000000.");
        }

        ValidateEventTypes(nameof(RedisOutputOptions.AllowedEventTypes), options.AllowedEventTypes, failures);
        ValidateEventTypes(nameof(RedisOutputOptions.DeniedEventTypes), options.DeniedEventTypes, failures);

        var both = options.AllowedEventTypes.Where(options.DeniedEventTypes.Contains).Order(StringComparer.Ordinal).ToList();
        if (both.Count > 0)
        {
            failures.Add($"{string.Join(", ", both)} is in both {Name}:{nameof(RedisOutputOptions.AllowedEventTypes)} "
                + $"and {Name}:{nameof(RedisOutputOptions.DeniedEventTypes)}; remove it from one of them.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateKeyLayout(RedisOutputOptions options, List<string> failures)
    {
        const string keyLayout = $"{Name}:{nameof(RedisOutputOptions.KeyLayout)}";
        if (!Enum.IsDefined(options.KeyLayout))
        {
            failures.Add($"{keyLayout} is {(int)options.KeyLayout}; set it to {string.Join(" or ", Enum.GetNames<RedisKeyLayout>())}.");
            return;
        }

        if (options.KeyLayout != RedisKeyLayout.Cluster)
        {
            return;
        }

        if (options.Format == RedisOutputFormat.SharderBinary)
        {
            failures.Add($"{keyLayout} is {RedisKeyLayout.Cluster}, but {Name}:{nameof(RedisOutputOptions.Format)} is "
                + $"{RedisOutputFormat.SharderBinary}, whose one shared list ({{prefix}}:from) cannot share a Redis Cluster hash slot "
                + $"with every shard's checkpoint; set {Name}:{nameof(RedisOutputOptions.Format)} to {RedisOutputFormat.Envelope} "
                + $"or {keyLayout} to {RedisKeyLayout.Standalone}.");
        }

        if (options.KeyPrefix is { } prefix && prefix.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            failures.Add($"{Name}:{nameof(RedisOutputOptions.KeyPrefix)} is \"{prefix}\", but with {keyLayout} {RedisKeyLayout.Cluster} "
                + "the silo adds its own hash tags ({shard:N}); set a prefix without '{' and '}', such as "
                + $"\"{RedisOutputOptions.DEFAULT_KEY_PREFIX}\".");
        }
    }

    private static void ValidateEventTypes(string property, ISet<string> eventTypes, List<string> failures)
    {
        if (eventTypes.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add($"{Name}:{property} has an empty entry; list gateway event names such as \"TYPING_START\".");
        }
    }
}
