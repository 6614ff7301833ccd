
namespace NetworkBuster.Training.Hosting;

/// <summary>Settings out of range, found at start-up: each problem names the setting, what is allowed and what was found.</summary>
/// <param name="problems">The problems.</param>
public sealed class InvalidSettingsException(IReadOnlyList<string> problems)
    : InvalidOperationException("Invalid settings: " + string.Join(" ", problems))
{
    /// <summary>The problems, one per setting.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
