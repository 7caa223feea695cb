namespace Sharder.Simulator.Gateway;

internal enum OutboundKind
{
    Frame,
    Dispatch,
    Close,
    Fin,
    Rst,
    /// <summary>Identify asked for payload compression: frames after this one use it .</summary>
    UsePayloadCompression,
}
