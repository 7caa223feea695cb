using System.Runtime.Versioning;
using Sharder.TestKit.Redis;

namespace Sharder.IntegrationTests.Redis;

[UnsupportedOSPlatform("windows")]
public sealed class RedisServerLocatorTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("sharder-locator-");

    [Fact]
    public void Locate_NothingOnPathOrFallbacks_ThrowsWithInstallHint()
    {
        var error = Assert.Throws<FileNotFoundException>(
            () => RedisServerLocator.Locate(_folder.FullName, [Path.Combine(_folder.FullName, "missing", "redis-server")]));

        Assert.Equal(
            "redis-server was not found on PATH. Install it: apt-get install -y redis-server (Debian/Ubuntu)",
            error.Message);
    }

    [Fact]
    public void Locate_ExecutableInAPathFolder_ReturnsIt()
    {
        var empty = _folder.CreateSubdirectory("empty");
        var bin = _folder.CreateSubdirectory("bin");
        var executable = CreateFile(bin, "redis-server", executable: true);

        var found = RedisServerLocator.Locate(string.Join(Path.PathSeparator, empty.FullName, bin.FullName), []);

        Assert.Equal(executable, found);
    }

    [Fact]
    public void Locate_NotOnPath_UsesFallback()
    {
        var fallback = CreateFile(_folder, "redis-server", executable: true);

        Assert.Equal(fallback, RedisServerLocator.Locate(searchPath: null, [fallback]));
    }

    [Fact]
    public void Locate_FileWithoutExecuteBit_IsPassedOver()
    {
        var bin = _folder.CreateSubdirectory("bin");
        CreateFile(bin, "redis-server", executable: false);
        var fallback = CreateFile(_folder, "redis-server", executable: true);

        Assert.Equal(fallback, RedisServerLocator.Locate(bin.FullName, [fallback]));
    }

    [Fact]
    public void Locate_RealMachine_FindsInstalledServer()
    {
        var found = RedisServerLocator.Locate();

        Assert.EndsWith("redis-server", found, StringComparison.Ordinal);
        Assert.True(File.Exists(found));
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private static string CreateFile(DirectoryInfo folder, string name, bool executable)
    {
        var path = Path.Combine(folder.FullName, name);
        File.WriteAllText(path, "#!/bin/sh\n");
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        File.SetUnixFileMode(path, executable ? mode | UnixFileMode.UserExecute : mode);

        return path;
    }
}
