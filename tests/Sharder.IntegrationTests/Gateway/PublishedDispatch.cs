using Sharder.Simulator.Ledger;

namespace Sharder.IntegrationTests.Gateway;

/// <summary>One dispatch the test sink accepted: the ledger's view of it plus what a test may inspect.</summary>
/// <param name="Record">What the ledger checks; the event uid is left to the ledger's (session, seq) lookup.</param>
/// <param name="Payload">The whole frame as the shard delivered it.</param>
internal sealed record PublishedDispatch(SinkRecord Record, ReadOnlyMemory<byte> Payload);
