namespace Sharder.Simulator.Sessions;

internal enum ResumeResult
{
    Resumed,
    SessionInvalid,
    SeqAhead,
    TooOld,
}
