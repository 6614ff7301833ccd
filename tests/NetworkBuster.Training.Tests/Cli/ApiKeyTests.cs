using NetworkBuster.Training.Cli.Local.Http;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Cli;

/// <summary>The local HTTP API's key: the setting, else a key generated once into an owner-only file.</summary>
public sealed class ApiKeyTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), TestData.Unique("key"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void Resolve_WithoutASetting_GeneratesAKeyFileOnce_ReadableByItsOwnerOnly_AndMatchesOnlyThatKey()
    {
        var file = Path.Combine(_folder, "http-key");
        var options = new LocalHttpOptions { KeyFile = file };

        var first = ApiKey.Resolve(options);
        var written = File.ReadAllText(file);
        var second = ApiKey.Resolve(options);

        Assert.True(written.Length >= 40, written.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(first.Matches(written) && second.Matches(written));
        Assert.False(first.Matches(written + "x") || first.Matches(written[..^1]) || first.Matches(null) || first.Matches(""));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public void Resolve_WithTheSetting_UsesIt_AndWritesNoFile()
    {
        var file = Path.Combine(_folder, "http-key");

        var key = ApiKey.Resolve(new LocalHttpOptions { Key = "configured-key-0123456789", KeyFile = file });

        Assert.True(key.Matches("configured-key-0123456789"));
        Assert.False(File.Exists(file));
    }

    [Theory]
    [InlineData(-1, null, "Training:Http:Port must be 0 (no API) or a port 1–65535, found -1.")]
    [InlineData(7071, "short", "Training:Http:Key must be at least 16 characters, found 5.")]
    public void Validate_NamesTheSettingAndWhatWasFound(int port, string? key, string expected)
    {
        Assert.Equal([expected], new LocalHttpOptions { Port = port, Key = key }.Validate());
    }
}
