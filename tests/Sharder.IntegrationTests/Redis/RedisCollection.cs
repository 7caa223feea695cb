using Sharder.TestKit.Redis;

namespace Sharder.IntegrationTests.Redis;

/// <summary>Tests marked <c>[Collection(RedisServerFixture.CollectionName)]</c> share one server and run one at a time.</summary>
[CollectionDefinition(RedisServerFixture.CollectionName)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>;
