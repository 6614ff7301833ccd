namespace NetworkBuster.Training.Cli.Local.Http;

/// <summary>The local host's HTTP API (configuration section <c>Training:Http</c>), validated at start.</summary>
public sealed class LocalHttpOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Training:Http";

    /// <summary>The port <c>func start</c> uses, which <c>nbtrain host</c> takes by default.</summary>
    public const int FuncStartPort = 7071;

    /// <summary>The loopback port the API listens on; 0 serves no API (hosts built in code, e.g. <c>demo</c>, open no port unless asked).</summary>
    public int Port { get; set; }

    /// <summary>The key callers send (<c>x-functions-key</c> header or <c>?code=</c>); when empty, the key in <see cref="KeyFile"/>.</summary>
    public string? Key { get; set; }

    /// <summary>Where the generated key is kept when <see cref="Key"/> is empty (created on first start, readable by its owner only).</summary>
    public string KeyFile { get; set; } = DefaultKeyFile();

    /// <summary><c>~/.nbtrain/http-key</c>.</summary>
    public static string DefaultKeyFile() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nbtrain", "http-key");

    /// <summary>What is wrong with the settings, each naming the setting, what is allowed and what was found.</summary>
    public IEnumerable<string> Validate()
    {
        if (Port is < 0 or > 65535)
        {
            yield return $"{Section}:Port must be 0 (no API) or a port 1–65535, found {Port}.";
        }

        if (Key is { Length: > 0 and < 16 })
        {
            yield return $"{Section}:Key must be at least 16 characters, found {Key.Length}.";
        }

        if (string.IsNullOrWhiteSpace(Key) && string.IsNullOrWhiteSpace(KeyFile))
        {
            yield return $"{Section}:KeyFile must name a file when {Section}:Key is empty, found an empty value.";
        }
    }
}
