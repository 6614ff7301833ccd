using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Steps;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Datasets;

[Trait("Tier", "Integration")]
public class DatasetIngestorTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private DatasetIngestor Ingestor(IDictionary<string, string?>? settings = null) =>
        Pipeline.Services(azurite.ConnectionString, settings).GetRequiredService<DatasetIngestor>();

    private static TrainingJob Job(string dataset) =>
        JobMessageParser.Parse(JsonSerializer.Serialize(new { jobId = TestData.Unique("ingest"), model = "performance-optimizer", dataset }), "m").Job!;

    private static async Task<TrainingException> FailureOf(Task task) => await Assert.ThrowsAsync<TrainingException>(() => task);

    [Fact]
    public async Task Ingest_GoodCsv_SplitsRowsAndHashesTheBlob()
    {
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 3000);
        var blob = (await azurite.Storage.Datasets.GetBlobClient(dataset).DownloadContentAsync()).Value.Content.ToArray();

        var output = await Ingestor().IngestAsync(Job(dataset), CancellationToken.None);

        Assert.Equal(3000, output.TrainRows + output.ValidationRows + output.TestRows);
        Assert.InRange(output.TestRows, 450, 750);
        Assert.InRange(output.ValidationRows, 200, 400);
        Assert.Equal(0, output.BadRows);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(blob)), output.DatasetSha256);
        Assert.Equal(blob.Length, output.DatasetBytes);
    }

    [Fact]
    public async Task Ingest_SameSeed_PutsTheSameRowsInEachSplit_AnotherSeedDoesNot()
    {
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 500);

        var first = await Ingestor().IngestAsync(Job(dataset), CancellationToken.None);
        var second = await Ingestor().IngestAsync(Job(dataset), CancellationToken.None);
        var reseeded = await Ingestor().IngestAsync(Job(dataset) with { Split = new SplitSpec(Seed: 7) }, CancellationToken.None);

        // The snapshot files hold the shaped rows in dataset order: equal bytes, the same rows in the same split.
        Assert.NotEqual(first.SnapshotPrefix, second.SnapshotPrefix);
        foreach (var split in new[] { SplitName.Train, SplitName.Validation, SplitName.Test })
        {
            Assert.Equal(await SplitHashAsync(first, split), await SplitHashAsync(second, split));
        }

        Assert.NotEqual(await SplitHashAsync(first, SplitName.Test), await SplitHashAsync(reseeded, SplitName.Test));
    }

    private async Task<string> SplitHashAsync(IngestOutput output, string split)
    {
        var content = await azurite.Storage.Staging.GetBlobClient($"{output.SnapshotPrefix}/{split}.arrow").DownloadContentAsync();
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(content.Value.Content.ToArray()));
    }

    [Fact]
    public async Task Ingest_ARecordLongerThanMaxRecordBytes_IsBadRowsNamingTheLineAndTheLimit_NotTheParsersText()
    {
        var csv = "timestamp,endpoint,response_time_ms,error_rate,throughput_rps,cache_hit_rate\n2025-01-01T00:00:00Z,/a,1,0,1,0.5\n2025-01-01T00:01:00Z,/" + new string('b', 10_000) + ",1,0,1,0.5\n";
        var dataset = await TestData.UploadTextAsync(azurite.Storage, csv);

        var ex = await FailureOf(Ingestor(new Dictionary<string, string?> { ["Training:Ingest:MaxRecordBytes"] = "4096" }).IngestAsync(Job(dataset), CancellationToken.None));

        Assert.Equal(ErrorCode.BadRows, ex.Code);
        Assert.Equal($"Expected each CSV record of '{dataset}' to be at most 4,096 characters (Training:Ingest:MaxRecordBytes), but the record at line 3 is longer (or a quote is never closed).", ex.Message);
    }

    [Fact]
    public async Task Ingest_AHeaderOfTwentyThousandColumns_FitsTheDefaultRecordLimit()
    {
        var dataset = await TestData.UploadTextAsync(azurite.Storage, Hosting.CustomSpecEndToEndTests.WideCsv(rows: 60, columns: 20_000, seed: 1), "custom");
        var job = JobMessageParser.Parse(JsonSerializer.Serialize(new { jobId = TestData.Unique("wide"), model = "wide-custom", dataset, spec = new { task = "regression", label = "y" } }), "m").Job!;

        var output = await Ingestor().IngestAsync(job, CancellationToken.None);

        Assert.Equal(60, output.TrainRows + output.ValidationRows + output.TestRows);
    }

    [Fact]
    public async Task Ingest_WrongHeader_NamesMissingAndUnexpectedColumns()
    {
        var dataset = await TestData.UploadTextAsync(azurite.Storage, "timestamp,endpoint,latency,error_rate,throughput_rps,cache_hit_rate\n2025-01-01T00:00:00Z,/a,1,0,1,0.5\n");

        var ex = await FailureOf(Ingestor().IngestAsync(Job(dataset), CancellationToken.None));

        Assert.Equal(ErrorCode.SchemaMismatch, ex.Code);
        Assert.Contains("Expected the header timestamp,endpoint,response_time_ms,error_rate,throughput_rps,cache_hit_rate", ex.Message, StringComparison.Ordinal);
        Assert.Contains("missing: response_time_ms", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected: latency", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_EmptyFile_IsASchemaMismatch()
    {
        var dataset = await TestData.UploadTextAsync(azurite.Storage, "");

        var ex = await FailureOf(Ingestor().IngestAsync(Job(dataset), CancellationToken.None));

        Assert.Equal(ErrorCode.SchemaMismatch, ex.Code);
        Assert.Contains("empty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_HeaderOnly_IsInsufficientData()
    {
        var dataset = await TestData.UploadTextAsync(azurite.Storage, "timestamp,endpoint,response_time_ms,error_rate,throughput_rps,cache_hit_rate\n");

        var ex = await FailureOf(Ingestor().IngestAsync(Job(dataset), CancellationToken.None));

        Assert.Equal(ErrorCode.InsufficientData, ex.Code);
        Assert.Contains("0 usable rows", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_MissingBlob_IsDatasetNotFound()
    {
        var ex = await FailureOf(Ingestor().IngestAsync(Job("performance-optimizer/does-not-exist.csv"), CancellationToken.None));

        Assert.Equal(ErrorCode.DatasetNotFound, ex.Code);
        Assert.Contains("performance-optimizer/does-not-exist.csv", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_TooManyBadRows_FailsNamingTheFirstBadLines()
    {
        var lines = TestData.PerformanceLines(200);
        lines[5] = "2025-01-01T00:00:00Z,/a,abc,0,1,0.5";
        lines[9] = "2025-01-01T00:00:00Z,/a,12,NaN,1,0.5";
        lines[12] = "2025-01-01T00:00:00Z,/a,12";
        var dataset = await TestData.UploadTextAsync(azurite.Storage, string.Join("\n", lines));

        var ex = await FailureOf(Ingestor().IngestAsync(Job(dataset), CancellationToken.None));

        Assert.Equal(ErrorCode.BadRows, ex.Code);
        Assert.Contains("found 3 of 200", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 6 (label 'response_time_ms' expected a finite number, found \"abc\")", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 10 (column 'error_rate' expected a finite number, found \"NaN\")", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 13 (expected 6 fields, found 3)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_BadRowsWithinTheAllowedShare_AreSkippedAndCounted()
    {
        var lines = TestData.PerformanceLines(1000);
        lines[100] = "2025-01-01T00:00:00Z,/a,12,Infinity,1,0.5";
        lines[200] = "garbage";
        var dataset = await TestData.UploadTextAsync(azurite.Storage, string.Join("\r\n", lines));

        var output = await Ingestor().IngestAsync(Job(dataset), CancellationToken.None);

        Assert.Equal(2, output.BadRows);
        Assert.Equal(998, output.TrainRows + output.ValidationRows + output.TestRows);
    }

    [Fact]
    public async Task Ingest_DatasetOverTheSizeLimit_IsRefusedBeforeReading()
    {
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 200);

        var ex = await FailureOf(Ingestor(new Dictionary<string, string?> { ["Training:Ingest:MaxDatasetBytes"] = "1000" }).IngestAsync(Job(dataset), CancellationToken.None));

        Assert.Contains("at most 1000 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_Snapshots_EveryRowReadsBackWithItsValues()
    {
        var dataset = await TestData.UploadPerformanceAsync(azurite.Storage, rows: 2000);
        var services = Pipeline.Services(azurite.ConnectionString);
        var snapshots = services.GetRequiredService<SnapshotStore>();
        var job = Job(dataset);

        var output = await services.GetRequiredService<DatasetIngestor>().IngestAsync(job, CancellationToken.None);

        var manifest = await snapshots.GetManifestAsync(output.SnapshotPrefix, CancellationToken.None);
        var folder = snapshots.LocalFolder(job.JobId);
        try
        {
            var labels = new List<float>();
            foreach (var split in new[] { SplitName.Train, SplitName.Validation, SplitName.Test })
            {
                var view = await snapshots.OpenAsync(output.SnapshotPrefix, manifest, split, folder, CancellationToken.None);
                using var cursor = view.GetRowCursor(view.Schema);
                var label = cursor.GetGetter<float>(view.Schema[0]);
                long rows = 0;
                while (cursor.MoveNext())
                {
                    float value = 0;
                    label(ref value);
                    labels.Add(value);
                    rows++;
                }

                Assert.Equal(manifest.Rows[split], rows);
            }

            // Every CSV row arrives once, label intact (the splits interleave the rows, so compare as multisets).
            var expected = TestData.PerformanceLines(2000).Skip(1).Select(l => float.Parse(l.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(expected.Order(), labels.Order());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Ingest_Refused_LeavesNoStagingFiles()
    {
        var lines = TestData.PerformanceLines(200);
        lines[5] = "2025-01-01T00:00:00Z,/a,abc,0,1,0.5";
        lines[9] = "2025-01-01T00:00:00Z,/a,abc,0,1,0.5";
        lines[12] = "2025-01-01T00:00:00Z,/a,abc,0,1,0.5";
        var dataset = await TestData.UploadTextAsync(azurite.Storage, string.Join("\n", lines));
        var job = Job(dataset);

        await FailureOf(Ingestor().IngestAsync(job, CancellationToken.None));

        var left = new List<string>();
        await foreach (var blob in azurite.Storage.Staging.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, job.JobId + "/", CancellationToken.None))
        {
            left.Add(blob.Name);
        }

        Assert.Empty(left);
    }
}
