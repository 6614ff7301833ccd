using System.Globalization;
using NetworkBuster.Training.Contracts;

namespace NetworkBuster.Training.Registry;

/// <summary>A model, optionally at a version: <c>performance-optimizer</c> or <c>performance-optimizer:7</c>.</summary>
/// <param name="Model">The model name.</param>
/// <param name="Version">The version, or null for the current one.</param>
public sealed record ModelVersionRef(string Model, int? Version)
{
    /// <summary>Parses what a user typed.</summary>
    /// <exception cref="FormatException">Naming the expected form and what was found.</exception>
    public static ModelVersionRef Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        if (parts.Length > 2 || !ContractNames.IsValidJobId(parts[0])
            || (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < 1)))
        {
            throw new FormatException($"Expected model or model:version (e.g. performance-optimizer:7), but found \"{text}\".");
        }

        return new ModelVersionRef(parts[0], parts.Length == 2 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : null);
    }

    /// <inheritdoc />
    public override string ToString() => Version is { } v ? string.Create(CultureInfo.InvariantCulture, $"{Model}:{v}") : Model;
}
