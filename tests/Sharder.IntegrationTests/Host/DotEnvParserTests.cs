using Sharder.Silo.Configuration;

namespace Sharder.IntegrationTests.Host;

public sealed class DotEnvParserTests
{
    [Fact]
    public void Reads_plain_quoted_and_exported_values_and_skips_comments()
    {
        const string Text = """
            # sharder-binary style
            DISCORD_TOKEN=abc.def.ghi
              REDIS_ADDR = 127.0.0.1:6379   # trailing comment

            export DISCORD_SHARD_TOTAL=8
            QUOTED="two words # not a comment"
            ESCAPED="line\nnext \"q\" back\\slash"
            SINGLE='raw \n # kept'
            HASH_IN_VALUE=abc#def
            EMPTY=
            """;

        var document = DotEnvParser.Parse(Text);

        Assert.Empty(document.Errors);
        Assert.Equal("abc.def.ghi", document.Values["DISCORD_TOKEN"]);
        Assert.Equal("127.0.0.1:6379", document.Values["REDIS_ADDR"]);
        Assert.Equal("8", document.Values["DISCORD_SHARD_TOTAL"]);
        Assert.Equal("two words # not a comment", document.Values["QUOTED"]);
        Assert.Equal("line\nnext \"q\" back\\slash", document.Values["ESCAPED"]);
        Assert.Equal("raw \\n # kept", document.Values["SINGLE"]);
        Assert.Equal("abc#def", document.Values["HASH_IN_VALUE"]);
        Assert.Equal(string.Empty, document.Values["EMPTY"]);
        Assert.Equal(8, document.Values.Count);
    }

    [Fact]
    public void A_key_set_twice_keeps_the_last_value_and_windows_line_ends_are_accepted()
    {
        var document = DotEnvParser.Parse("A=1\r\nA=\"2\" # again\r\n");

        Assert.Empty(document.Errors);
        Assert.Equal("2", Assert.Single(document.Values).Value);
    }

    [Theory]
    [InlineData("NOEQUALS sekrit-value-1", 2, "KEY=VALUE")]
    [InlineData("=sekrit-value-1", 2, "KEY=VALUE")]
    [InlineData("1BAD=sekrit-value-1", 2, "key")]
    [InlineData("OPEN=\"sekrit-value-1", 2, "closing")]
    [InlineData("AFTER=\"sekrit-value-1\" tail", 2, "after the closing")]
    public void A_bad_line_is_reported_by_number_without_its_text(string badLine, int lineNumber, string expectedHint)
    {
        var document = DotEnvParser.Parse($"GOOD=1\n{badLine}\nALSO_GOOD=2");

        var error = Assert.Single(document.Errors);
        Assert.StartsWith($".env line {lineNumber}:", error, StringComparison.Ordinal);
        Assert.Contains(expectedHint, error, StringComparison.Ordinal);
        Assert.DoesNotContain("sekrit", error, StringComparison.Ordinal);
        Assert.Equal("1", document.Values["GOOD"]);
        Assert.Equal("2", document.Values["ALSO_GOOD"]);
    }
}
