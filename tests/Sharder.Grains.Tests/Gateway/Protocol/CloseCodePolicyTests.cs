using Sharder.Grains.Gateway.Protocol;

namespace Sharder.Grains.Tests.Gateway.Protocol;

public sealed class CloseCodePolicyTests
{
    /// <summary>
    /// The whole decision table: every gateway close code plus the standard and odd codes. Enum names
    /// as text, because public test methods cannot take the internal enum types as parameters.
    /// </summary>
    public static TheoryData<string, int?, string> DecisionTable => new()
    {
        { "Gateway", 4000, "Resume" },
        { "Gateway", 4001, "Reidentify" },
        { "Gateway", 4002, "Resume" },
        { "Gateway", 4003, "Reidentify" },
        { "Gateway", 4004, "Fatal" },
        { "Gateway", 4005, "Resume" },
        { "Gateway", 4006, "Resume" },
        { "Gateway", 4007, "Reidentify" },
        { "Gateway", 4008, "Resume" },
        { "Gateway", 4009, "Reidentify" },
        { "Gateway", 4010, "Fatal" },
        { "Gateway", 4011, "Fatal" },
        { "Gateway", 4012, "Fatal" },
        { "Gateway", 4013, "Fatal" },
        { "Gateway", 4014, "Fatal" },
        { "Gateway", 1000, "Reidentify" },
        { "Gateway", 1001, "Resume" },
        { "Gateway", 1006, "Resume" },
        { "Gateway", 1011, "Resume" },
        { "Gateway", 1005, "Resume" },
        { "Gateway", 3000, "Resume" },
        { "Gateway", 4015, "Resume" },
        { "Gateway", 4999, "Resume" },
        { "Gateway", 69540, "Resume" }, // 69540 = 65536 + 4004: must not wrap to Fatal
        { "Gateway", -1, "Resume" },
        { "Gateway", null, "Resume" },
        { "Client", 1000, "Reidentify" },
        { "Client", 1001, "Reidentify" },
        { "Client", 4000, "Resume" },
        { "Client", 4200, "Resume" },
        { "Client", null, "Resume" },
        { "Transport", null, "Resume" },
        { "Transport", 1006, "Resume" },
        { "Transport", 1000, "Resume" },
        { "Transport", 4004, "Resume" },
    };

    [Theory]
    [MemberData(nameof(DecisionTable))]
    public void Decide_follows_the_decision_table(string initiator, int? code, string expected)
    {
        var action = CloseCodePolicy.Decide(Enum.Parse<CloseInitiator>(initiator), code);

        Assert.Equal(Enum.Parse<CloseAction>(expected), action);
    }

    [Fact]
    public void Every_gateway_close_code_has_a_row_in_the_table()
    {
        var gatewayRows = DecisionTable
            .Where(row => (string)row[0] == nameof(CloseInitiator.Gateway))
            .Select(row => (int?)row[1])
            .ToHashSet();

        var missing = Enum.GetValues<GatewayCloseCode>().Where(code => !gatewayRows.Contains((int)code)).ToList();

        Assert.Empty(missing);
    }

    [Theory]
    [InlineData("UnknownError", 4000)]
    [InlineData("UnknownOpcode", 4001)]
    [InlineData("DecodeError", 4002)]
    [InlineData("NotAuthenticated", 4003)]
    [InlineData("AuthenticationFailed", 4004)]
    [InlineData("AlreadyAuthenticated", 4005)]
    [InlineData("SessionNoLongerValid", 4006)]
    [InlineData("InvalidSequence", 4007)]
    [InlineData("RateLimited", 4008)]
    [InlineData("SessionTimedOut", 4009)]
    [InlineData("InvalidShard", 4010)]
    [InlineData("ShardingRequired", 4011)]
    [InlineData("InvalidApiVersion", 4012)]
    [InlineData("InvalidIntents", 4013)]
    [InlineData("DisallowedIntents", 4014)]
    public void Close_codes_have_discord_numbers(string name, int number)
    {
        Assert.Equal(number, (int)Enum.Parse<GatewayCloseCode>(name));
    }
}
