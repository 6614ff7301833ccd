using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NetworkBuster.Training.Cli.Benchmarks;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Cli.Commands.Bench;

/// <summary>
/// Jobs through the in-process local host (queue → ingest → train → evaluate → register), timed from the moment the
/// message is sent to the run row's <c>CompletedAt</c>, against bare ML.NET on a local copy of the same file.
/// </summary>
internal sealed class HostBenchmarks(IHost host, BenchSettings settings, Action<string> progress) : IDisposable
{
    /// <summary>The overhead target: enqueue → registered at most this many times bare ML.NET.</summary>
    public const double OverheadTarget = 1.10;

    /// <summary>The small-job throughput target: at least this share of bare ML.NET's jobs per minute.</summary>
    public const double ThroughputTarget = 0.6;
    private static readonly string[] Steps = ["ingest", "train", "evaluate", "register"];
    private readonly StepClock _clock = new();
    private readonly StorageClients _storage = host.Services.GetRequiredService<StorageClients>();
    private readonly RunStore _runs = host.Services.GetRequiredService<RunStore>();
    private readonly string _work = Directory.CreateTempSubdirectory("nbtrain-bench-").FullName;
    private string? _small;

    /// <summary>A run of the preset job through the host; also warms the JIT and gives later jobs a current version to compare with.</summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var small = await SmallDatasetAsync(cancellationToken);
        await RunJobAsync(small, cancellationToken);
        await BareSecondsAsync(small, runs: 1, cancellationToken);
    }

    public async Task<IReadOnlyList<BenchmarkFigure>> OverheadAsync(CancellationToken cancellationToken)
    {
        var name = BenchmarkData.NewDatasetName("overhead");
        await BenchmarkData.UploadAsync(_storage, name, maxRows: settings.Rows, cancellationToken: cancellationToken);
        var bares = new List<(double Seconds, double Rmse)>();
        var jobs = new List<(double Seconds, double? Rmse, double Wait, IReadOnlyDictionary<string, double> Steps)>();
        for (int i = 0; i < settings.OverheadPairs; i++)
        {
            // Interleaved pairs, so a neighbour's build slows both sides rather than one.
            progress($"overhead: pair {i + 1}/{settings.OverheadPairs}: bare ML.NET on {settings.Rows:N0} rows, then the same file as a job through the host");
            bares.Add(await BareSecondsAsync(name, runs: 1, cancellationToken));
            _clock.Take();
            var (wall, run) = await RunJobAsync(name, cancellationToken);
            jobs.Add((wall.TotalSeconds, run.PrimaryMetricValue, QueueWait(run, wall), _clock.Take()));
        }

        await _storage.Datasets.DeleteBlobIfExistsAsync(name, cancellationToken: cancellationToken);
        double bare = Median(bares.Select(b => b.Seconds));
        double job = Median(jobs.Select(j => j.Seconds));
        var ratios = jobs.Zip(bares, (j, b) => j.Seconds / b.Seconds).Order().ToList();
        return
        [
            new BenchmarkFigure(
                BenchSettings.Overhead,
                string.Create(CultureInfo.InvariantCulture, $"job wall time, {settings.Rows:N0} rows (enqueue → registered)"),
                job,
                "s",
                bare,
                "bare ML.NET: TextLoader, fit, evaluate, save",
                string.Create(CultureInfo.InvariantCulture, $"ratio ≤ {OverheadTarget:0.00}"),
                job / bare <= OverheadTarget,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"medians of {settings.OverheadPairs} interleaved pairs (pair ratios {ratios[0]:0.00}–{ratios[^1]:0.00}); where the job's seconds go (medians, from the steps' own timings): {WhereTimeGoes(jobs.Select(j => (j.Seconds, j.Wait, j.Steps)).ToList())}; FastTree with the same options on both sides (100 trees, 20 leaves, learning rate 0.2, no early stopping); RMSE job {jobs[0].Rmse:0.00} vs bare {bares[0].Rmse:0.00}")),
        ];
    }

    // Queue wait, each step, and the rest (orchestration: scheduling, run-row writes and polling between steps).
    private static string WhereTimeGoes(List<(double Wall, double Wait, IReadOnlyDictionary<string, double> Steps)> jobs)
    {
        double Step(IReadOnlyDictionary<string, double> steps, string step) => steps.TryGetValue(step, out double s) ? s : 0;
        var parts = new List<string> { string.Create(CultureInfo.InvariantCulture, $"queue wait {Median(jobs.Select(j => j.Wait)):0.00} s") };
        string Phases(string step) => step switch
        {
            "train" => string.Create(CultureInfo.InvariantCulture, $" (fit {Median(jobs.Select(j => Step(j.Steps, "train.fit"))):0.00} s)"),
            "evaluate" => string.Create(CultureInfo.InvariantCulture, $" (trivial baselines {Median(jobs.Select(j => Step(j.Steps, "evaluate.trivial-baselines"))):0.00} s, scoring the current version {Median(jobs.Select(j => Step(j.Steps, "evaluate.baseline"))):0.00} s)"),
            _ => "",
        };
        parts.AddRange(Steps.Select(step => string.Create(CultureInfo.InvariantCulture, $"{step} {Median(jobs.Select(j => Step(j.Steps, step))):0.00} s{Phases(step)}")));
        parts.Add(string.Create(CultureInfo.InvariantCulture, $"orchestration between steps {Median(jobs.Select(j => j.Wall - j.Wait - Steps.Sum(step => Step(j.Steps, step)))):0.00} s"));
        parts.Add(string.Create(CultureInfo.InvariantCulture, $"then, off the decision path, explain {Median(jobs.Select(j => Step(j.Steps, "explain"))):0.00} s"));
        return string.Join(", ", parts);
    }

    /// <summary>Enqueue → picked up (the run row is created when the host admits the message).</summary>
    private static double QueueWait(TrainingRunRow run, TimeSpan wall) =>
        run.CreatedAt is { } admitted && run.CompletedAt is { } done ? (wall - (done - admitted)).TotalSeconds : double.NaN;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public async Task<IReadOnlyList<BenchmarkFigure>> LatencyAsync(CancellationToken cancellationToken)
    {
        var name = BenchmarkData.NewDatasetName("latency");
        await BenchmarkData.UploadAsync(_storage, name, maxRows: settings.LatencyRows, cancellationToken: cancellationToken);
        var (bare, _) = await BareSecondsAsync(name, runs: 3, cancellationToken);
        var latencies = new List<double>();
        var waits = new List<double>();
        for (int i = 0; i < settings.LatencyJobs; i++)
        {
            progress($"latency: job {i + 1}/{settings.LatencyJobs} ({settings.LatencyRows:N0} rows)");
            var (wall, run) = await RunJobAsync(name, cancellationToken);
            latencies.Add(wall.TotalSeconds);
            waits.Add(QueueWait(run, wall));
        }

        latencies.Sort();
        double p50 = Percentile(latencies, 0.50);
        double p95 = Percentile(latencies, 0.95);
        var rows = settings.LatencyRows.ToString("N0", CultureInfo.InvariantCulture);
        var small = await SmallDatasetAsync(cancellationToken);
        var (smallBare, _) = await BareSecondsAsync(small, runs: 3, cancellationToken);
        progress($"latency: {settings.SmallJobs} jobs of {settings.SmallRows:N0} rows at once, concurrency {settings.Concurrency}");
        double perMinute = await ThroughputAsync(small, cancellationToken);
        return
        [
            new BenchmarkFigure(BenchSettings.Latency, $"p50 enqueue → registered, {rows}-row job", p50, "s", bare, "bare ML.NET, same file (median of 3)", "p50 ≤ 3 s", p50 <= 3, string.Create(CultureInfo.InvariantCulture, $"{settings.LatencyJobs} jobs one after another; median queue wait (enqueue → picked up) {Median(waits):0.00} s")),
            new BenchmarkFigure(BenchSettings.Latency, $"p95 enqueue → registered, {rows}-row job", p95, "s", bare, "bare ML.NET, same file (median of 3)", "–", null, $"{settings.LatencyJobs} jobs one after another"),
            new BenchmarkFigure(
                BenchSettings.Latency,
                string.Create(CultureInfo.InvariantCulture, $"jobs per minute, {settings.SmallJobs} jobs of {settings.SmallRows:N0} rows"),
                perMinute,
                "jobs/min",
                60 / smallBare,
                "bare ML.NET back to back, same file",
                string.Create(CultureInfo.InvariantCulture, $"ratio ≥ {ThroughputTarget:0.0}"),
                perMinute * smallBare / 60 >= ThroughputTarget,
                string.Create(CultureInfo.InvariantCulture, $"host concurrency {settings.Concurrency}; all enqueued at once; a job counts when its report is prepared")),
        ];
    }

    public void Dispose() => _clock.Dispose();

    public void Cleanup()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The <paramref name="p"/> quantile of sorted values (nearest rank).</summary>
    public static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private async Task<string> SmallDatasetAsync(CancellationToken cancellationToken)
    {
        if (_small is null)
        {
            _small = BenchmarkData.NewDatasetName("small");
            await BenchmarkData.UploadAsync(_storage, _small, maxRows: settings.SmallRows, cancellationToken: cancellationToken);
        }

        return _small;
    }

    private async Task<double> ThroughputAsync(string dataset, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var ids = new List<string>();
        for (int i = 0; i < settings.SmallJobs; i++)
        {
            var jobId = "bench-" + Guid.NewGuid().ToString("N")[..12];
            await _storage.JobsQueue.SendMessageAsync(BenchmarkData.Message(jobId, dataset), cancellationToken);
            ids.Add(jobId);
        }

        // Reports included: a job counts as done when its report is prepared (the row's last write), not when its
        // version is registered.
        var last = started;
        foreach (var id in ids)
        {
            await WaitAsync(id, cancellationToken);
            var explained = await _runs.WaitForInsightsAsync(id, TimeSpan.FromMinutes(30), cancellationToken);
            var done = explained.Timestamp ?? explained.CompletedAt!.Value;
            last = done > last ? done : last;
        }

        return settings.SmallJobs / (last - started).TotalMinutes;
    }

    private async Task<(TimeSpan Wall, TrainingRunRow Run)> RunJobAsync(string dataset, CancellationToken cancellationToken)
    {
        var jobId = "bench-" + Guid.NewGuid().ToString("N")[..12];
        var sent = DateTimeOffset.UtcNow;
        await _storage.JobsQueue.SendMessageAsync(BenchmarkData.Message(jobId, dataset), cancellationToken);
        var run = await WaitAsync(jobId, cancellationToken);

        // Timed to registered; the report is then let finish (untimed) so it neither overlaps the next measurement
        // nor is missing from the step clock.
        await _runs.WaitForInsightsAsync(jobId, TimeSpan.FromMinutes(30), cancellationToken);
        return (run.CompletedAt!.Value - sent, run);
    }

    /// <summary>Waits for a job's run to end; its row when it succeeded, else throws naming how it ended.</summary>
    public async Task<TrainingRunRow> WaitAsync(string jobId, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await _runs.GetAsync(jobId, cancellationToken) is { } row && RunStatus.IsTerminal(row.Status))
            {
                return row.Status == RunStatus.Succeeded && row.CompletedAt is not null
                    ? row
                    : throw new InvalidOperationException($"Benchmark job {jobId} ended {row.Status}: {row.ErrorCode} {row.ErrorMessage}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Bare ML.NET on a local copy of the blob (downloaded first, not timed); the median of <paramref name="runs"/>.</summary>
    private async Task<(double Seconds, double Rmse)> BareSecondsAsync(string dataset, int runs, CancellationToken cancellationToken)
    {
        var csv = Path.Combine(_work, Path.GetFileName(dataset));
        await _storage.Datasets.GetBlobClient(dataset).DownloadToAsync(csv, cancellationToken);
        try
        {
            var results = new List<BareRunResult>();
            for (int i = 0; i < runs; i++)
            {
                results.Add(await Task.Run(() => BareMlNet.Run(csv, Path.Combine(_work, "bare-model.zip")), cancellationToken));
            }

            var median = results.OrderBy(r => r.Elapsed).ElementAt(results.Count / 2);  // runs is odd
            return (median.Elapsed.TotalSeconds, median.Rmse);
        }
        finally
        {
            File.Delete(csv);
        }
    }
}
