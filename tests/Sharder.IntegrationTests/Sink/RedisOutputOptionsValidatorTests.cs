using Sharder.Grains.Sink;

namespace Sharder.IntegrationTests.Sink;

public sealed class RedisOutputOptionsValidatorTests
{
    private readonly RedisOutputOptionsValidator _validator = new();

    [Fact]
    public void Defaults_AreValid()
    {
        var options = new RedisOutputOptions();

        Assert.True(_validator.Validate(null, options).Succeeded);
        Assert.Equal(RedisOutputFormat.Envelope, options.Format);
        Assert.Equal("sharder", options.KeyPrefix);
        Assert.Equal(EventListLayout.Single, options.Layout);
        Assert.Equal(16, options.Partitions);
        Assert.Equal(0, options.MaxLength);
    }

    [Fact]
    public void NegativeMaxLength_IsRejected_ZeroAndPositiveAreNot()
    {
        var failure = Assert.Single(_validator.Validate(null, new RedisOutputOptions { MaxLength = -1 }).Failures!);

        Assert.StartsWith("Redis:Output:MaxLength is -1; set it to 0 (no bound", failure, StringComparison.Ordinal);
        Assert.True(_validator.Validate(null, new RedisOutputOptions { MaxLength = 1_000_000 }).Succeeded);
    }

    [Fact]
    public void EveryProblem_IsReportedWithItsProperty()
    {
        var options = new RedisOutputOptions
        {
            Format = (RedisOutputFormat)9,
            KeyPrefix = "has space",
            Partitions = 0,
        };
        options.AllowedEventTypes.Add("TYPING_START");
        options.AllowedEventTypes.Add(" ");
        options.DeniedEventTypes.Add("TYPING_START");

        var failures = _validator.Validate(null, options).Failures!.ToList();

        Assert.Equal(5, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Redis:Output:Format is 9;", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Redis:Output:KeyPrefix is \"has space\";", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Redis:Output:Partitions is 0;", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Redis:Output:AllowedEventTypes has an empty entry", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("TYPING_START is in both Redis:Output:AllowedEventTypes and Redis:Output:DeniedEventTypes", StringComparison.Ordinal));
    }

    [Fact]
    public void SharderBinary_WithAnotherLayout_IsRejected()
    {
        var options = new RedisOutputOptions { Format = RedisOutputFormat.SharderBinary, Layout = EventListLayout.PerEventType };

        var failure = Assert.Single(_validator.Validate(null, options).Failures!);

        Assert.StartsWith("Redis:Output:Layout is PerEventType, but the SharderBinary format", failure, StringComparison.Ordinal);
    }
}
