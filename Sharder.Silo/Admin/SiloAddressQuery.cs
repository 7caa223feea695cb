using System.Net;

namespace Sharder.Silo.Admin;

/// <summary>
/// Finds the silo an operator names in an admin route: <c>self</c> (the silo answering), <c>ip:port</c> (the
/// silo port; the newest generation among the given silos), or an exact address as <c>/status</c> prints it
/// (<c>S10.0.0.5:11111:123456789</c>) or in Orleans' parsable form (<c>10.0.0.5:11111@123456789</c>).
/// </summary>
internal static class SiloAddressQuery
{
    public const string Self = "self";

    /// <param name="text">What the operator wrote.</param>
    /// <param name="self">The silo answering the request.</param>
    /// <param name="silos">The silos it may name (the active ones).</param>
    /// <returns>The silo, or null when the text names none of <paramref name="silos"/>.</returns>
    public static SiloAddress? Resolve(string? text, SiloAddress self, IEnumerable<SiloAddress> silos)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(silos);
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var candidates = silos.ToArray();
        if (string.Equals(value, Self, StringComparison.OrdinalIgnoreCase))
        {
            return candidates.Contains(self) ? self : null;
        }

        var exact = candidates.FirstOrDefault(silo =>
            string.Equals(silo.ToString(), value, StringComparison.OrdinalIgnoreCase)
            || string.Equals(silo.ToParsableString(), value, StringComparison.OrdinalIgnoreCase));
        if (exact is not null)
        {
            return exact;
        }

        return IPEndPoint.TryParse(value, out var endpoint) && endpoint.Port != 0
            ? candidates.Where(silo => silo.Endpoint.Equals(endpoint)).MaxBy(silo => silo.Generation)
            : null;
    }
}
