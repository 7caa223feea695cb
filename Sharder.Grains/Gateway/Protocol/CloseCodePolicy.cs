namespace Sharder.Grains.Gateway.Protocol;

/// <summary>The single decision table that maps how a connection closed to what the shard does next.</summary>
internal static class CloseCodePolicy
{
    private const int NormalClosure = 1000;
    private const int GoingAway = 1001;

    /// <summary>Decides whether to resume, re-identify or stop after a connection closed.</summary>
    /// <param name="initiator">Which side closed the connection.</param>
    /// <param name="code">The close code, or <see langword="null"/> when there was none.</param>
    /// <remarks>
    /// <list type="table">
    /// <listheader><term>initiator / code</term><description>action</description></listheader>
    /// <item><term>Gateway 4000, 4002, 4005, 4008</term><description>Resume</description></item>
    /// <item><term>Gateway 4006 (not used by v10)</term><description>Resume</description></item>
    /// <item><term>Gateway 4001, 4003, 4007, 4009</term><description>Reidentify: the session is invalid</description></item>
    /// <item><term>Gateway 4004, 4010, 4011, 4012, 4013, 4014</term><description>Fatal</description></item>
    /// <item><term>Gateway 1000</term><description>Reidentify: later resumes are ignored (discord-api-docs I-2922)</description></item>
    /// <item><term>Gateway 1001, 1006, 1011, any other or unknown code, no code</term><description>Resume</description></item>
    /// <item><term>Client 1000, 1001</term><description>Reidentify: closing with these invalidates the session</description></item>
    /// <item><term>Client any other code or no code</term><description>Resume</description></item>
    /// <item><term>Transport (any code or none)</term><description>Resume</description></item>
    /// </list>
    /// A deliberate stop of the shard is not a close to recover from and is not decided here.
    /// </remarks>
    public static CloseAction Decide(CloseInitiator initiator, int? code)
    {
        return initiator switch
        {
            CloseInitiator.Gateway => DecideGatewayClose(code),
            CloseInitiator.Client => code is NormalClosure or GoingAway ? CloseAction.Reidentify : CloseAction.Resume,
            _ => CloseAction.Resume,
        };
    }

    private static CloseAction DecideGatewayClose(int? code)
    {
        if (code == NormalClosure)
        {
            return CloseAction.Reidentify;
        }

        // Guard the narrowing cast: 69540 must not wrap around to 4004.
        if (code is not (>= 0 and <= ushort.MaxValue))
        {
            return CloseAction.Resume;
        }

        return (GatewayCloseCode)code.Value switch
        {
            GatewayCloseCode.UnknownOpcode
                or GatewayCloseCode.NotAuthenticated
                or GatewayCloseCode.InvalidSequence
                or GatewayCloseCode.SessionTimedOut => CloseAction.Reidentify,

            GatewayCloseCode.AuthenticationFailed
                or GatewayCloseCode.InvalidShard
                or GatewayCloseCode.ShardingRequired
                or GatewayCloseCode.InvalidApiVersion
                or GatewayCloseCode.InvalidIntents
                or GatewayCloseCode.DisallowedIntents => CloseAction.Fatal,

            _ => CloseAction.Resume,
        };
    }
}
