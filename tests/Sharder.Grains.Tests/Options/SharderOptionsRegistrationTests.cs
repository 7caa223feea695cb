using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sharder.Grains.Options;

namespace Sharder.Grains.Tests.Options;

public sealed class SharderOptionsRegistrationTests
{
    private const string Token = "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs";

    [Fact]
    public void Options_come_from_environment_style_configuration()
    {
        using var services = Build(new()
        {
            ["DISCORD_TOKEN"] = Token,
            ["DISCORD_SHARD_TOTAL"] = "8",
            ["DISCORD_SHARD_START"] = "4",
            ["DISCORD_SHARD_UNTIL"] = "7",
            ["Coordinator:BudgetReserve"] = "25",
        });

        services.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal(Token, services.GetRequiredService<IOptions<DiscordOptions>>().Value.Token);
        Assert.Equal([4, 5, 6, 7], services.GetRequiredService<IOptions<ShardingOptions>>().Value.ResolveShards(null).ShardIds);
        Assert.Equal(25, services.GetRequiredService<IOptions<CoordinatorOptions>>().Value.BudgetReserve);
    }

    [Fact]
    public void Startup_validation_lists_every_problem_without_the_token()
    {
        using var services = Build(new()
        {
            ["DISCORD_TOKEN"] = "Bearer " + Token,
            ["DISCORD_SHARD_START"] = "2",
            ["Coordinator:IdentifyWindow"] = "00:00:00",
        });

        var error = Assert.ThrowsAny<Exception>(() => services.GetRequiredService<IStartupValidator>().Validate());
        var messages = error is AggregateException aggregate
            ? string.Join(" | ", aggregate.InnerExceptions.Select(inner => inner.Message))
            : error.Message;

        Assert.Contains("DISCORD_TOKEN", messages, StringComparison.Ordinal);
        Assert.Contains("DISCORD_SHARD_TOTAL", messages, StringComparison.Ordinal);
        Assert.Contains("Coordinator:IdentifyWindow", messages, StringComparison.Ordinal);
        Assert.DoesNotContain(Token[..12], messages, StringComparison.Ordinal);
    }

    [Fact]
    public void Registering_twice_adds_nothing()
    {
        var services = new ServiceCollection().AddSharderOptions();
        var count = services.Count;

        services.AddSharderOptions();

        Assert.Equal(count, services.Count);
    }

    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSharderOptions()
            .BuildServiceProvider();
    }
}
