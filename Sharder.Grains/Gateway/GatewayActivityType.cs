namespace Sharder.Grains.Gateway;

/// <summary>Discord's activity types, with their wire values, for the initial presence.</summary>
public enum GatewayActivityType
{
    /// <summary>"Playing {name}".</summary>
    Playing = 0,

    /// <summary>"Streaming {name}" (with <see cref="GatewayPresenceOptions.ActivityUrl"/>).</summary>
    Streaming = 1,

    /// <summary>"Listening to {name}".</summary>
    Listening = 2,

    /// <summary>"Watching {name}".</summary>
    Watching = 3,

    /// <summary>A custom status: the text is the activity's <c>state</c>.</summary>
    Custom = 4,

    /// <summary>"Competing in {name}".</summary>
    Competing = 5,
}
