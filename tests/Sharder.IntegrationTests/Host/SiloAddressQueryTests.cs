using System.Net;
using Sharder.Silo.Admin;

namespace Sharder.IntegrationTests.Host;

/// <summary>How an admin route's silo name is matched: self, ip:port (newest generation), or an exact address in either printed form.</summary>
public sealed class SiloAddressQueryTests
{
    private static readonly SiloAddress Self = SiloAddress.New(IPEndPoint.Parse("10.0.0.5:11111"), 100);
    private static readonly SiloAddress Old = SiloAddress.New(IPEndPoint.Parse("10.0.0.6:11111"), 50);
    private static readonly SiloAddress New = SiloAddress.New(IPEndPoint.Parse("10.0.0.6:11111"), 90);
    private static readonly SiloAddress[] Silos = [Self, Old, New];

    [Fact]
    public void Self_names_the_answering_silo_only_while_it_is_listed()
    {
        Assert.Equal(Self, SiloAddressQuery.Resolve("self", Self, Silos));
        Assert.Equal(Self, SiloAddressQuery.Resolve(" SELF ", Self, Silos));
        Assert.Null(SiloAddressQuery.Resolve("self", Self, [Old]));
    }

    [Fact]
    public void An_endpoint_names_its_newest_generation()
    {
        Assert.Equal(New, SiloAddressQuery.Resolve("10.0.0.6:11111", Self, Silos));
        Assert.Equal(Self, SiloAddressQuery.Resolve("10.0.0.5:11111", Self, Silos));
    }

    [Fact]
    public void The_printed_and_parsable_forms_name_that_exact_generation()
    {
        Assert.Equal(Old, SiloAddressQuery.Resolve(Old.ToString(), Self, Silos));
        Assert.Equal(Old, SiloAddressQuery.Resolve(Old.ToParsableString(), Self, Silos));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("10.0.0.7:11111")]
    [InlineData("10.0.0.6")]
    [InlineData("silo-b")]
    [InlineData("S10.0.0.6:11111:51")]
    public void Anything_else_names_no_silo(string? text) => Assert.Null(SiloAddressQuery.Resolve(text, Self, Silos));
}
