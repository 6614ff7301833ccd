using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.ML.Data;
using NetworkBuster.Training.Cli.Benchmarks;
using NetworkBuster.Training.Cli.Samples;
using NetworkBuster.Training.Evaluation;
using NetworkBuster.Training.Presets;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Scoring;
using NetworkBuster.Training.Storage;
using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Cli.Commands.Bench;

/// <summary>
/// Online scoring on the local host: single-row predict latency (p50, p99) and batch rows/s over real HTTP, each beside
/// an in-process ML.NET <c>PredictionEngine</c> call on the same registered model and the same rows.
/// </summary>
internal sealed class PredictBenchmark(IHost host, HostBenchmarks jobs, Uri address, string key, BenchSettings settings, Action<string> progress)
{
    private const int BatchRows = 1_000;
    private static readonly string Model = PresetCatalog.PerformanceOptimizer.Name;
    private readonly StorageClients _storage = host.Services.GetRequiredService<StorageClients>();

    public async Task<IReadOnlyList<BenchmarkFigure>> RunAsync(CancellationToken cancellationToken)
    {
        progress($"predict: training a {Model} version on {settings.SmallRows:N0} rows");
        int version = await TrainAsync(cancellationToken);
        var rows = Rows(BatchRows);
        var serving = await host.Services.GetRequiredService<ServingModelCache>().GetAsync(Model, version, cancellationToken);
        var mapped = serving.Map(rows);
        var row = await host.Services.GetRequiredService<ModelRegistry>().GetAsync(Model, version, cancellationToken)
            ?? throw new InvalidOperationException($"{Model}:{version} vanished.");
        var ml = ModelContext.Create(seed: 1);
        var model = await host.Services.GetRequiredService<ModelStore>().LoadAsync(ml, row, cancellationToken);
        var inputs = Inputs(mapped);
        using var engine = ml.Model.CreatePredictionEngine<PerformanceInput, RegressionOutput>(model);

        progress($"predict: {settings.PredictRequests:N0} single-row requests over HTTP, and as many PredictionEngine calls");
        var engineLatencies = new List<double>();
        for (int i = 0; i < settings.PredictRequests + 50; i++)
        {
            long start = Stopwatch.GetTimestamp();
            engine.Predict(inputs[i % inputs.Count]);
            if (i >= 50)
            {
                engineLatencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }

        using var http = new HttpClient { BaseAddress = address };
        http.DefaultRequestHeaders.Add("x-functions-key", key);
        var path = new Uri($"api/models/{Model}/versions/{version}/predict", UriKind.Relative);
        var httpLatencies = new List<double>();
        for (int i = 0; i < settings.PredictRequests + 20; i++)
        {
            var body = "[" + rows[i % rows.Count].GetRawText() + "]";
            long start = Stopwatch.GetTimestamp();
            await PostAsync(http, path, body, cancellationToken);
            if (i >= 20)
            {
                httpLatencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }

        var currentPath = new Uri($"api/models/{Model}/predict", UriKind.Relative);
        var currentLatencies = new List<double>();
        for (int i = 0; i < settings.PredictRequests / 2; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await PostAsync(http, currentPath, "[" + rows[i % rows.Count].GetRawText() + "]", cancellationToken);
            currentLatencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        progress($"predict: {settings.PredictBatches} requests of {BatchRows:N0} rows, and the same rows through PredictionEngine");
        var batch = "{\"rows\":[" + string.Join(",", rows.Select(r => r.GetRawText())) + "]}";
        await PostAsync(http, path, batch, cancellationToken);
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < settings.PredictBatches; i++)
        {
            await PostAsync(http, path, batch, cancellationToken);
        }

        double httpRowsPerSecond = settings.PredictBatches * BatchRows / watch.Elapsed.TotalSeconds;
        watch.Restart();
        for (int i = 0; i < settings.PredictBatches; i++)
        {
            foreach (var input in inputs)
            {
                engine.Predict(input);
            }
        }

        double engineRowsPerSecond = settings.PredictBatches * BatchRows / watch.Elapsed.TotalSeconds;
        httpLatencies.Sort();
        engineLatencies.Sort();
        currentLatencies.Sort();
        string requests = settings.PredictRequests.ToString("N0", CultureInfo.InvariantCulture);
        const string Reference = "in-process PredictionEngine, same model and rows";
        return
        [
            new BenchmarkFigure(BenchSettings.Predict, "predict p50, 1 row over HTTP", HostBenchmarks.Percentile(httpLatencies, 0.50), "ms", HostBenchmarks.Percentile(engineLatencies, 0.50), Reference, "–", null, $"{requests} requests one after another to /versions/{{v}}/predict (hash-verified model loaded once); the HTTP side adds Kestrel, the key check, JSON and the CSV-equivalent row mapping"),
            new BenchmarkFigure(BenchSettings.Predict, "predict p99, 1 row over HTTP", HostBenchmarks.Percentile(httpLatencies, 0.99), "ms", HostBenchmarks.Percentile(engineLatencies, 0.99), Reference, "–", null, $"{requests} requests"),
            new BenchmarkFigure(BenchSettings.Predict, "predict p50, 1 row, current-version route", HostBenchmarks.Percentile(currentLatencies, 0.50), "ms", HostBenchmarks.Percentile(engineLatencies, 0.50), Reference, "–", null, string.Create(CultureInfo.InvariantCulture, $"{currentLatencies.Count:N0} requests to /models/{{model}}/predict: which version is current is asked of the registry at most every 2 s (a promotion is served within that)")),
            new BenchmarkFigure(BenchSettings.Predict, $"batch predict, {BatchRows:N0}-row requests", httpRowsPerSecond, "rows/s", engineRowsPerSecond, Reference + " (a row at a time)", "–", null, string.Create(CultureInfo.InvariantCulture, $"{settings.PredictBatches} requests of {batch.Length / 1024.0:N0} KiB one after another")),
        ];
    }

    private static async Task PostAsync(HttpClient http, Uri path, string body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(path, content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Expected 200 from {path}, but found {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        await response.Content.CopyToAsync(Stream.Null, cancellationToken);
    }

    // Generated rows of the preset's input columns, as JSON objects (numbers as numbers), not the ones trained on.
    private static List<JsonElement> Rows(int count)
    {
        var header = PerformanceSampleData.Header.Split(',');
        var rows = new List<JsonElement>(count);
        foreach (var line in PerformanceSampleData.Lines(seed: 11).Take(count))
        {
            var cells = line.Split(',');
            var row = new Dictionary<string, object>(StringComparer.Ordinal);
            for (int i = 0; i < header.Length; i++)
            {
                row[header[i]] = double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double number) ? number : cells[i];
            }

            rows.Add(JsonSerializer.SerializeToElement(row));
        }

        return rows;
    }

    private static List<PerformanceInput> Inputs(RowArrays mapped)
    {
        var names = mapped.Schema.NumberColumns.Select(c => c.Name).ToList();
        float Number(float[] numbers, string name) => numbers[1 + names.IndexOf(name)];
        return [.. mapped.Numbers.Select((n, i) => new PerformanceInput
        {
            Hour = Number(n, "timestamp_hour"),
            DayOfWeek = Number(n, "timestamp_day_of_week"),
            DayOfMonth = Number(n, "timestamp_day_of_month"),
            Month = Number(n, "timestamp_month"),
            SecondsSinceMidnight = Number(n, "timestamp_seconds_since_midnight"),
            IsWeekend = Number(n, "timestamp_is_weekend"),
            ErrorRate = Number(n, "error_rate"),
            Throughput = Number(n, "throughput_rps"),
            CacheHitRate = Number(n, "cache_hit_rate"),
            Endpoint = mapped.Strings[i][0],
        })];
    }

    private async Task<int> TrainAsync(CancellationToken cancellationToken)
    {
        var dataset = BenchmarkData.NewDatasetName("predict");
        await BenchmarkData.UploadAsync(_storage, dataset, maxRows: settings.SmallRows, cancellationToken: cancellationToken);
        var jobId = "bench-predict-" + Guid.NewGuid().ToString("N")[..12];
        await _storage.JobsQueue.SendMessageAsync(JsonSerializer.Serialize(new { jobId, model = Model, dataset, promotion = "always" }), cancellationToken);
        var run = await jobs.WaitAsync(jobId, cancellationToken);
        await _storage.Datasets.DeleteBlobIfExistsAsync(dataset, cancellationToken: cancellationToken);
        return run.Version!.Value;
    }

    /// <summary>The preset's snapshot columns as a typed ML.NET row (what a hand-written PredictionEngine caller would pass).</summary>
    private sealed class PerformanceInput
    {
        public float Label { get; set; }

        [ColumnName("timestamp_hour")]
        public float Hour { get; set; }

        [ColumnName("timestamp_day_of_week")]
        public float DayOfWeek { get; set; }

        [ColumnName("timestamp_day_of_month")]
        public float DayOfMonth { get; set; }

        [ColumnName("timestamp_month")]
        public float Month { get; set; }

        [ColumnName("timestamp_seconds_since_midnight")]
        public float SecondsSinceMidnight { get; set; }

        [ColumnName("timestamp_is_weekend")]
        public float IsWeekend { get; set; }

        [ColumnName("error_rate")]
        public float ErrorRate { get; set; }

        [ColumnName("throughput_rps")]
        public float Throughput { get; set; }

        [ColumnName("cache_hit_rate")]
        public float CacheHitRate { get; set; }

        [ColumnName("endpoint")]
        public string Endpoint { get; set; } = "";
    }

    private sealed class RegressionOutput
    {
        public float Score { get; set; }
    }
}
