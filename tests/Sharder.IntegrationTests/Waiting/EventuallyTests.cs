using Sharder.TestKit;

namespace Sharder.IntegrationTests.Waiting;

public sealed class EventuallyTests
{
    private static readonly TimeSpan _generousTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan _shortTimeout = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task TrueAsync_ConditionAlreadyTrue_ChecksOnce()
    {
        int checks = 0;

        await Eventually.TrueAsync(() => ++checks > 0, _generousTimeout, "the first check passes");

        Assert.Equal(1, checks);
    }

    [Fact]
    public async Task TrueAsync_ConditionBecomesTrue_ReturnsAtThatCheck()
    {
        int checks = 0;

        await Eventually.TrueAsync(() => ++checks == 4, _generousTimeout, "the fourth check");

        Assert.Equal(4, checks);
    }

    [Fact]
    public async Task TrueAsync_AsyncConditionBecomesTrue_ReturnsAtThatCheck()
    {
        int checks = 0;

        await Eventually.TrueAsync(
            async () =>
            {
                await Task.Yield();
                return ++checks == 3;
            },
            _generousTimeout,
            "the third async check");

        Assert.Equal(3, checks);
    }

    [Fact]
    public async Task TrueAsync_ConditionNeverTrue_ThrowsTimeoutNamingTheReason()
    {
        int checks = 0;

        var timeout = await Assert.ThrowsAsync<TimeoutException>(
            () => Eventually.TrueAsync(() => ++checks < 0, _shortTimeout, "the impossible happens"));

        Assert.Contains("waiting until the impossible happens", timeout.Message, StringComparison.Ordinal);
        Assert.Contains($"({checks} checks)", timeout.Message, StringComparison.Ordinal);
        Assert.True(checks >= 2, $"expected a re-check at the deadline, got {checks} check(s)");
    }

    [Fact]
    public async Task TrueAsync_AsyncConditionNeverTrue_ThrowsTimeout()
    {
        var timeout = await Assert.ThrowsAsync<TimeoutException>(
            () => Eventually.TrueAsync(() => Task.FromResult(false), _shortTimeout, "an async flag is set"));

        Assert.Contains("an async flag is set", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrueAsync_ConditionThrows_ExceptionPropagates()
    {
        Func<bool> brokenCheck = () => throw new FormatException("broken check");

        await Assert.ThrowsAsync<FormatException>(() => Eventually.TrueAsync(brokenCheck, _generousTimeout, "never"));
    }
}
