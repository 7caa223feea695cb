using Sharder.TestKit.Redis;

namespace Sharder.Client.Tests;

/// <summary>One redis-server for every test class of this assembly that needs one.</summary>
[CollectionDefinition(RedisServerFixture.CollectionName)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>;
