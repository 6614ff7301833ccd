namespace NetworkBuster.Training.Datasets;

/// <summary>A downloaded snapshot split whose SHA-256 is not the one its manifest recorded: it is not read.</summary>
public sealed class SnapshotIntegrityException : Exception
{
    /// <summary>Creates the error, naming the blob and both hashes.</summary>
    public SnapshotIntegrityException(string blob, string expectedSha256, string actualSha256)
        : base($"Refusing to read the snapshot '{blob}': its manifest recorded SHA-256 {expectedSha256}, but the downloaded blob's SHA-256 is {actualSha256}.")
    {
        Blob = blob;
        ExpectedSha256 = expectedSha256;
        ActualSha256 = actualSha256;
    }

    /// <summary>The blob name.</summary>
    public string Blob { get; }

    /// <summary>The hash the manifest recorded.</summary>
    public string ExpectedSha256 { get; }

    /// <summary>The hash of the bytes downloaded.</summary>
    public string ActualSha256 { get; }
}
