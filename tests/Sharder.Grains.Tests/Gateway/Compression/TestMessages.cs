using System.Text;

namespace Sharder.Grains.Tests.Gateway.Compression;

/// <summary>Gateway-like dispatches that repeat a lot of text, so later messages lean on the shared context.</summary>
internal static class TestMessages
{
    public static byte[] Dispatch(int sequence, int padding = 0)
    {
        var content = $"message number {sequence} {new string('x', padding)}";
        return Encoding.UTF8.GetBytes(
            "{\"t\":\"MESSAGE_CREATE\",\"s\":" + sequence + ",\"op\":0,\"d\":{\"id\":\"" + (1000 + sequence)
            + "\",\"guild_id\":\"961969618123483218\",\"channel_id\":\"961969618123483221\",\"content\":\"" + content
            + "\",\"author\":{\"id\":\"1896186316901649619\",\"username\":\"Test\",\"bot\":true}}}");
    }

    /// <summary>Text that compresses poorly, to force output larger than one internal chunk.</summary>
    public static byte[] Large(int bytes, int seed)
    {
        var random = new Random(seed);
        var builder = new StringBuilder("{\"op\":0,\"s\":1,\"t\":\"BIG\",\"d\":\"");
        while (builder.Length < bytes - 3)
        {
            builder.Append((char)random.Next('a', 'z' + 1));
        }

        builder.Append("\"}");
        return Encoding.UTF8.GetBytes(builder.ToString());
    }
}
