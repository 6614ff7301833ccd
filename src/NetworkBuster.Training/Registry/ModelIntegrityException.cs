
namespace NetworkBuster.Training.Registry;

/// <summary>A model blob whose SHA-256 differs from the one its registry row recorded: it is refused.</summary>
public sealed class ModelIntegrityException : Exception
{
    /// <summary>Creates the error, naming the blob and both hashes.</summary>
    public ModelIntegrityException(string blob, string expectedSha256, string actualSha256)
        : base($"Refusing to load '{blob}': the registry recorded SHA-256 {expectedSha256}, but the blob's SHA-256 is {actualSha256}.")
    {
        Blob = blob;
        ExpectedSha256 = expectedSha256;
        ActualSha256 = actualSha256;
    }

    /// <summary>The blob name.</summary>
    public string Blob { get; }

    /// <summary>The hash the registry recorded.</summary>
    public string ExpectedSha256 { get; }

    /// <summary>The hash of the bytes found.</summary>
    public string ActualSha256 { get; }
}
