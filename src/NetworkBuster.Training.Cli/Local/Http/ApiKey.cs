using System.Security.Cryptography;
using System.Text;

namespace NetworkBuster.Training.Cli.Local.Http;

/// <summary>
/// The local API's key, as Functions' function keys work: sent in the <c>x-functions-key</c> header or the
/// <c>code</c> query parameter, compared in constant time (over SHA-256 digests, so the length leaks nothing either).
/// The key is never logged.
/// </summary>
public sealed class ApiKey
{
    /// <summary>The header Functions reads a function key from.</summary>
    public const string Header = "x-functions-key";

    /// <summary>The query parameter Functions reads a function key from.</summary>
    public const string QueryParameter = "code";

    private readonly byte[] _digest;

    private ApiKey(string value) => _digest = SHA256.HashData(Encoding.UTF8.GetBytes(value));

    /// <summary>The configured key, or the one in the key file (generated there on first use).</summary>
    public static ApiKey Resolve(LocalHttpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ApiKey(string.IsNullOrWhiteSpace(options.Key) ? ReadOrCreate(options.KeyFile) : options.Key);
    }

    /// <summary>Whether a presented key is this one.</summary>
    public bool Matches(string? presented) =>
        !string.IsNullOrEmpty(presented) && CryptographicOperations.FixedTimeEquals(_digest, SHA256.HashData(Encoding.UTF8.GetBytes(presented)));

    private static string ReadOrCreate(string path)
    {
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } existing)
        {
            return existing;
        }

        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, new UTF8Encoding(false), options))
        {
            writer.Write(key);
        }

        return key;
    }
}
