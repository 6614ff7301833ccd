using System.Globalization;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;

namespace NetworkBuster.Training.Presets;

/// <summary>
/// <c>sustainability-predictor</c>: readings in, one row per reading out, ordered by time, with calendar parts, the
/// current load and lag features computed only from strictly earlier readings (no look-ahead). <c>carbon_kg</c> is
/// measured with the energy, so it is not a feature; its ratio to energy is recorded to turn a forecast into carbon.
/// </summary>
internal sealed class SustainabilityShaper : IDatasetShaper
{
    /// <summary>The preset's CSV header.</summary>
    public static readonly IReadOnlyList<string> Header = ["timestamp", "energy_kwh", "carbon_kg", "memory_percent", "cpu_percent", "requests"];

    /// <summary>The lag features, each from readings strictly before the row's time.</summary>
    public static readonly IReadOnlyList<string> Lags = ["energy_lag_1", "energy_lag_1d", "energy_mean_1d", "requests_lag_1", "cpu_lag_1"];

    private static readonly string[] Load = ["cpu_percent", "memory_percent", "requests"];
    private readonly List<Reading> _readings = [];
    private readonly Dictionary<string, string> _notes = new(StringComparer.Ordinal);
    private int[] _ordinals = [];

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Notes => _notes;

    /// <summary>The row layout.</summary>
    public static SnapshotSchema Schema { get; } = new(
        ModelTask.Regression,
        "energy_kwh",
        [
            .. RowMapper.TimestampParts.Select(p => new SnapshotColumn("timestamp_" + p, SnapshotColumnKind.Number, "timestamp")),
            .. Load.Select(l => new SnapshotColumn(l, SnapshotColumnKind.Number, l)),
            .. Lags.Select(l => new SnapshotColumn(l, SnapshotColumnKind.Number, l.StartsWith("energy", StringComparison.Ordinal) ? "energy_kwh" : l[..l.IndexOf("_lag", StringComparison.Ordinal)])),
        ]);

    /// <inheritdoc />
    public SnapshotSchema Start(IReadOnlyList<string> header, IReadOnlyList<string[]> sample)
    {
        StartNextFile(header);
        return Schema;
    }

    /// <inheritdoc />
    public void StartNextFile(IReadOnlyList<string> header)
    {
        _ordinals = RowMapper.MapHeader(Header, header);
        _readings.Clear();
    }

    /// <inheritdoc />
    public string? Accept(string[] fields, IShapedRowSink sink)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var time = fields[_ordinals[0]].Trim();
        if (!TimestampParser.TryParse(time, out var at))
        {
            return $"column 'timestamp' expected a date and time, found \"{ContractNames.Truncate(time, 40)}\"";
        }

        var values = new float[5];
        for (int i = 1; i < Header.Count; i++)
        {
            var cell = fields[_ordinals[i]].Trim();
            if (cell.Length == 0 && i > 1)
            {
                values[i - 1] = float.NaN;
            }
            else if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
            {
                values[i - 1] = (float)v;
            }
            else
            {
                return $"{(i == 1 ? "label" : "column")} '{Header[i]}' expected a finite number, found \"{ContractNames.Truncate(cell, 40)}\"";
            }
        }

        _readings.Add(new Reading(at.Ticks, values[0], values[1], values[2], values[3], values[4]));
        return null;
    }

    /// <inheritdoc />
    public void Complete(IShapedRowSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var rows = _readings.OrderBy(r => r.Ticks).ToArray();
        var numbers = new float[1 + Schema.Features.Count];
        int previous = -1, dayBack = -1, windowStart = 0;
        int groupStart = 0;
        double windowSum = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            var row = rows[i];
            if (i > 0 && rows[i - 1].Ticks < row.Ticks)
            {
                // Readings before this time are now all in the past: extend the window to them.
                for (int k = groupStart; k < i; k++)
                {
                    windowSum += rows[k].Energy;
                }

                previous = i - 1;
                groupStart = i;
            }

            long dayAgo = row.Ticks - TimeSpan.TicksPerDay;
            while (dayBack + 1 < groupStart && rows[dayBack + 1].Ticks <= dayAgo)
            {
                dayBack++;
            }

            while (windowStart < groupStart && rows[windowStart].Ticks <= dayAgo)
            {
                windowSum -= rows[windowStart++].Energy;
            }

            numbers[0] = row.Energy;
            int n = RowMapper.WriteTimestamp(new DateTime(row.Ticks, DateTimeKind.Utc), numbers, 1);
            numbers[n++] = row.Cpu;
            numbers[n++] = row.Memory;
            numbers[n++] = row.Requests;
            numbers[n++] = previous >= 0 ? rows[previous].Energy : float.NaN;
            numbers[n++] = dayBack >= 0 ? rows[dayBack].Energy : float.NaN;
            numbers[n++] = groupStart > windowStart ? (float)(windowSum / (groupStart - windowStart)) : float.NaN;
            numbers[n++] = previous >= 0 ? rows[previous].Requests : float.NaN;
            numbers[n] = previous >= 0 ? rows[previous].Cpu : float.NaN;
            sink.Emit(numbers, [], new DateTime(row.Ticks, DateTimeKind.Utc).Subtract(DateTime.UnixEpoch).TotalSeconds);
        }

        double energy = rows.Sum(r => (double)r.Energy);
        double carbon = rows.Where(r => !float.IsNaN(r.Carbon)).Sum(r => (double)r.Carbon);
        _notes["carbonKgPerKwh"] = (energy > 0 ? carbon / energy : 0).ToString("0.#####", CultureInfo.InvariantCulture);
        _notes["readings"] = rows.Length.ToString(CultureInfo.InvariantCulture);
    }

    private readonly record struct Reading(long Ticks, float Energy, float Carbon, float Memory, float Cpu, float Requests);
}
