using System.Text.Json.Serialization;

namespace Sharder.Grains.Coordination;

/// <summary>
/// A slot granted since the last <c>/gateway/bot</c> refresh that Discord's figure may not include yet.
/// Short JSON names: the ledger is read and written on every request.
/// </summary>
/// <param name="SlotAt">The slot (ledger clock): the earliest time its Identify could reach Discord.</param>
/// <param name="ShardId">The shard it was granted to.</param>
/// <param name="Uncertain">
/// The shard reported that this Identify never reached READY. Whether Discord charged it is not known
/// here; the next refresh settles it.
/// </param>
internal sealed record LedgerGrant(
    [property: JsonPropertyName("s")] DateTimeOffset SlotAt,
    [property: JsonPropertyName("i")] int ShardId,
    [property: JsonPropertyName("u")] bool Uncertain = false);
