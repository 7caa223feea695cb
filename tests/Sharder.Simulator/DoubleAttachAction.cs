namespace Sharder.Simulator;

/// <summary>What happens to a socket whose session is resumed on another connection (R-4.6.5, F16).</summary>
public enum DoubleAttachAction
{
    Close4006,
    Fin,
}
