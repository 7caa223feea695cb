using Sharder.Grains.Gateway;

namespace Sharder.Grains.Tests.Gateway;

public sealed class SessionFieldRulesTests
{
    [Theory]
    [InlineData("46518a1bf6912ed649618c831861ab91", 0, true)]
    [InlineData("46518a1bf6912ed649618c831861ab91", 53, true)]
    [InlineData("s", 1, true)]
    [InlineData("!~", 1, true)]
    [InlineData("46518a1bf6912ed649618c831861ab91", -1, false)]
    [InlineData("", 1, false)]
    [InlineData(null, 1, false)]
    [InlineData("has space", 1, false)]
    [InlineData("line\nbreak", 1, false)]
    [InlineData("caf\u00e9", 1, false)]
    [InlineData("nul\0", 1, false)]
    public void Session_ids_are_short_printable_ascii_and_sequences_not_negative(string? sessionId, long sequence, bool usable)
    {
        Assert.Equal(usable, SessionFieldRules.IsUsable(sessionId, sequence, out var problem));
        Assert.Equal(usable, problem is null);
    }

    [Fact]
    public void Session_ids_are_at_most_128_characters()
    {
        Assert.True(SessionFieldRules.IsValidSessionId(new string('a', 128)));
        Assert.False(SessionFieldRules.IsValidSessionId(new string('a', 129)));
    }

    [Fact]
    public void The_problem_does_not_echo_the_id()
    {
        SessionFieldRules.IsUsable("secret value", 1, out var problem);

        Assert.DoesNotContain("secret", problem, StringComparison.Ordinal);
    }
}
