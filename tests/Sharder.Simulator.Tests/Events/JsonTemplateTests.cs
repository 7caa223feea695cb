using System.Text;
using Sharder.Simulator.Events;
using Xunit;

namespace Sharder.Simulator.Tests.Events;

public sealed class JsonTemplateTests
{
    private static readonly string[] s_slots = ["id", "when", "flag", "name", "count"];

    [Fact]
    public void Render_splices_values_into_an_exact_size_buffer()
    {
        var template = JsonTemplate.Parse("""{"id":"{{id}}","at":"{{when}}","ok":{{flag}},"name":"{{name}}","n":{{count}},"again":"{{id}}"}""", s_slots);
        ReadOnlySpan<TemplateValue> values =
        [
            TemplateValue.Number(18446744073709551615UL),
            TemplateValue.Time(new DateTimeOffset(2017, 7, 11, 17, 27, 7, 299, TimeSpan.Zero)),
            TemplateValue.Bool(false),
            TemplateValue.Utf8("bob"u8.ToArray()),
            TemplateValue.Number(-12L),
        ];

        byte[] rendered = template.Render(values);

        Assert.Equal(
            """{"id":"18446744073709551615","at":"2017-07-11T17:27:07.299000+00:00","ok":false,"name":"bob","n":-12,"again":"18446744073709551615"}""",
            Encoding.UTF8.GetString(rendered));
        Assert.Equal(rendered.Length, template.MeasureLength(values));
    }

    [Fact]
    public void Empty_values_render_nothing()
    {
        var template = JsonTemplate.Parse("""{"name":"x{{name}}y"}""", s_slots);
        ReadOnlySpan<TemplateValue> values = [TemplateValue.Empty, TemplateValue.Empty, TemplateValue.Empty, TemplateValue.Empty, TemplateValue.Empty];

        Assert.Equal("""{"name":"xy"}""", Encoding.UTF8.GetString(template.Render(values)));
    }

    [Fact]
    public void Parse_rejects_unknown_and_unclosed_slots()
    {
        Assert.Throws<FormatException>(() => JsonTemplate.Parse("{{nope}}", s_slots));
        Assert.Throws<FormatException>(() => JsonTemplate.Parse("{\"a\":{{id}", s_slots));
    }

    [Fact]
    public void Render_requires_one_value_per_slot_name()
    {
        var template = JsonTemplate.Parse("{{id}}", s_slots);

        Assert.Throws<ArgumentException>(() => template.Render([TemplateValue.Number(1UL)]));
    }
}
