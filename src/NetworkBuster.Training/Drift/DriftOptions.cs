using System.Globalization;
using NetworkBuster.Training.Contracts;

namespace NetworkBuster.Training.Drift;

/// <summary>Settings under <c>Training:Drift</c>: the PSI levels and how many training rows a profile reads.</summary>
public sealed class DriftOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Training:Drift";

    /// <summary>PSI at or above this is moderate drift.</summary>
    public double ModeratePsi { get; set; } = 0.1;

    /// <summary>PSI at or above this is major drift (a webhook event and the Azure alert).</summary>
    public double MajorPsi { get; set; } = 0.25;

    /// <summary>The most rows a profile or a drift check reads (evenly sampled), further bounded to 5 million cells.</summary>
    public int SampleRows { get; set; } = 50_000;

    /// <summary>The most cells (rows × columns) a profile reads, so a wide dataset samples fewer rows.</summary>
    public const long MaxCells = 5_000_000;

    /// <summary>The level of a PSI.</summary>
    public string LevelOf(double psi) => psi >= MajorPsi ? DriftReport.Levels.Major : psi >= ModeratePsi ? DriftReport.Levels.Moderate : DriftReport.Levels.None;

    /// <summary>Rows to sample from a snapshot with this many columns.</summary>
    public int RowsFor(int columns) => (int)Math.Max(100, Math.Min(SampleRows, MaxCells / Math.Max(1, columns)));

    /// <summary>Problems with the values, each naming the setting.</summary>
    public IEnumerable<string> Validate()
    {
        if (!(ModeratePsi > 0 && ModeratePsi < MajorPsi && MajorPsi <= 10))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"'{Section}:{nameof(ModeratePsi)}' and '{Section}:{nameof(MajorPsi)}' must satisfy 0 < ModeratePsi < MajorPsi ≤ 10, but found {ModeratePsi} and {MajorPsi}.");
        }

        if (SampleRows is < 100 or > 10_000_000)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"'{Section}:{nameof(SampleRows)}' must be 100–10000000, but found {SampleRows}.");
        }
    }
}
