using System.Text;
using Sharder.Grains.Commands;
using Sharder.Grains.Sink;
using Sharder.IntegrationTests.Sink;

namespace Sharder.IntegrationTests.ClusterLayout;

/// <summary>The Cluster key layout's names: every key a script touches carries one hash tag; Standalone is unchanged.</summary>
public sealed class ClusterKeyNamesTests
{
    [Fact]
    public void Single_puts_each_shards_events_markers_checkpoint_and_dead_list_under_its_tag()
    {
        var keys = new KeyLayout(RedisOutputFormat.Envelope, EventListLayout.Single, 16, RedisKeyLayout.Cluster).For(7);

        Assert.Equal("{shard:7}:checkpoint", keys.Checkpoint);
        Assert.Equal("{shard:7}:events", keys.EventKey("MESSAGE_CREATE", 1));
        Assert.Equal(["{shard:7}:events"], keys.MarkerLists);
        Assert.Equal("{shard:7}:events:dead", keys.DeadList);
    }

    [Fact]
    public void PerEventType_and_GuildPartitioned_lists_are_per_shard()
    {
        var perType = new KeyLayout(RedisOutputFormat.Envelope, EventListLayout.PerEventType, 16, RedisKeyLayout.Cluster).For(2);
        var partitioned = new KeyLayout(RedisOutputFormat.Envelope, EventListLayout.GuildPartitioned, 3, RedisKeyLayout.Cluster).For(2);

        Assert.Equal("{shard:2}:events:GUILD_CREATE", perType.EventKey("GUILD_CREATE", null));
        Assert.Equal(["{shard:2}:events:_lifecycle"], perType.MarkerLists);
        Assert.Equal("{shard:2}:events:2", partitioned.EventKey("MESSAGE_CREATE", (1UL << 22) * 5));
        Assert.Equal(["{shard:2}:events:0", "{shard:2}:events:1", "{shard:2}:events:2"], partitioned.MarkerLists);
    }

    [Fact]
    public void Standalone_keeps_todays_names()
    {
        var keys = new KeyLayout(RedisOutputFormat.Envelope, EventListLayout.Single, 16).For(258);

        Assert.Equal("shard:258:checkpoint", keys.Checkpoint);
        Assert.Equal("events", keys.EventKey("MESSAGE_CREATE", null));
        Assert.Equal(["events"], keys.MarkerLists);
        Assert.Equal("events:dead", keys.DeadList);
    }

    [Theory]
    [InlineData(EventListLayout.Single)]
    [InlineData(EventListLayout.PerEventType)]
    [InlineData(EventListLayout.GuildPartitioned)]
    public void Every_key_of_a_push_and_of_a_marker_shares_the_shards_hash_tag(EventListLayout layout)
    {
        var encoder = new BatchEncoder(new RedisOutputOptions { KeyLayout = RedisKeyLayout.Cluster, Layout = layout, Partitions = 4 });
        List<ShardDispatch> batch =
        [
            TestEvents.Dispatch("s", 1, "MESSAGE_CREATE", guildId: 1UL << 22),
            TestEvents.Dispatch("s", 2, "GUILD_CREATE", guildId: 3UL << 22),
            TestEvents.Dispatch("s", 3, "TYPING_START"),
        ];

        var push = encoder.EncodeBatch(5, 1, "s", null, batch);
        push.Payloads?.Return();
        var marker = encoder.EncodeMarker(5, 1, ShardLifecycleMarker.Resumed("s", 3));

        Assert.All(push.Keys.Concat(marker.Keys), key => Assert.StartsWith("{shard:5}:", (string)key!, StringComparison.Ordinal));
    }

    [Fact]
    public void Command_keys_take_the_prefix_as_their_hash_tag()
    {
        var keys = new CommandKeys("sharder", RedisKeyLayout.Cluster);

        Assert.Equal("{sharder}:to:3", keys.ForShard(3));
        Assert.Equal("{sharder}:commands", keys.GuildRouted);
        Assert.Equal("{sharder}:commands:dead", keys.DeadLetters);
        Assert.Equal("{sharder}:to:*", keys.ForShardPattern);
        Assert.True(keys.TryParseShard(Encoding.UTF8.GetBytes("{sharder}:to:12"), out int shardId));
        Assert.Equal(12, shardId);
        Assert.False(keys.TryParseShard(Encoding.UTF8.GetBytes("sharder:to:12"), out _));
    }

    [Fact]
    public void Every_configured_node_is_reached_with_the_same_credentials_and_TLS()
    {
        var nodes = RespEndpoint.AllFromConfiguration(StackExchange.Redis.ConfigurationOptions.Parse("10.0.0.1:7000,node-b,user=silo,password=pw,ssl=true"));

        Assert.Equal(["tls://10.0.0.1:7000", "tls://Unspecified/node-b:6379"], nodes.Select(n => n.ToString()));
        Assert.All(nodes, node => Assert.Equal(("silo", "pw", true), (node.User, node.Password, node.UseTls)));
    }

    [Fact]
    public void Cluster_with_sharder_binary_is_refused_naming_both_settings()
    {
        var failure = Assert.Single(new RedisOutputOptionsValidator().Validate(
            null, new RedisOutputOptions { KeyLayout = RedisKeyLayout.Cluster, Format = RedisOutputFormat.SharderBinary }).Failures!);

        Assert.Contains("Redis:Output:KeyLayout is Cluster", failure, StringComparison.Ordinal);
        Assert.Contains("Redis:Output:Format", failure, StringComparison.Ordinal);
        Assert.Contains("Standalone", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Cluster_refuses_braces_in_the_prefix_and_an_unknown_layout_is_named()
    {
        var output = new RedisOutputOptionsValidator();
        var commands = new CommandPumpOptionsValidator();

        Assert.Contains(
            "Redis:Output:KeyPrefix is \"{bot}\"",
            Assert.Single(output.Validate(null, new RedisOutputOptions { KeyLayout = RedisKeyLayout.Cluster, KeyPrefix = "{bot}" }).Failures!),
            StringComparison.Ordinal);
        Assert.Contains(
            "Redis:Commands:KeyPrefix is \"a{b\"",
            Assert.Single(commands.Validate(null, new CommandPumpOptions { KeyLayout = RedisKeyLayout.Cluster, KeyPrefix = "a{b" }).Failures!),
            StringComparison.Ordinal);
        Assert.StartsWith(
            "Redis:Output:KeyLayout is 5",
            Assert.Single(output.Validate(null, new RedisOutputOptions { KeyLayout = (RedisKeyLayout)5 }).Failures!),
            StringComparison.Ordinal);
        Assert.True(output.Validate(null, new RedisOutputOptions { KeyLayout = RedisKeyLayout.Cluster }).Succeeded);
        Assert.True(output.Validate(null, new RedisOutputOptions { KeyPrefix = "{bot}" }).Succeeded); // Standalone: no tags of ours
    }
}
