namespace Sharder.Simulator.Ledger;

/// <summary>How many connections ended one way: who closed, with which code, with or without a close frame.</summary>
public sealed record CloseCount(bool ByServer, int? Code, bool CloseFrame, int Count)
{
    public override string ToString() =>
        $"{(ByServer ? "server" : "client")}:{(Code is { } code ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")}{(CloseFrame ? string.Empty : "(no frame)")}×{Count}";
}
