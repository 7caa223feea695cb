using Sharder.Simulator.Gateway;

namespace Sharder.Simulator.Sessions;

/// <summary>Result of <see cref="SimSession.Resume"/>; <see cref="Previous"/> is a connection that still held the session (F16).</summary>
internal readonly record struct ResumeOutcome(ResumeResult Result, GatewayConnection? Previous, int Replayed = 0);
