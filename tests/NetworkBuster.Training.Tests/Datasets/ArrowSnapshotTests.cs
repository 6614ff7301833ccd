using System.Globalization;
using System.Text;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Compression;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using Azure;
using Microsoft.Extensions.DependencyInjection;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Steps;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Datasets;

/// <summary>Staging snapshots are Arrow IPC files any Arrow reader opens, and a machine reads each split from staging once.</summary>
[Trait("Tier", "Integration")]
public sealed class ArrowSnapshotTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private static readonly string[] Splits = [SplitName.Train, SplitName.Validation, SplitName.Test];
    private readonly List<string> _folders = [];

    public void Dispose()
    {
        foreach (var folder in _folders.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A machine of its own: services whose work directory (and so snapshot cache) no other test shares.</summary>
    private SnapshotStore Machine(out ServiceProvider services)
    {
        var work = Path.Combine(Path.GetTempPath(), "nbtrain-machine-" + Guid.NewGuid().ToString("N")[..8]);
        _folders.Add(work);
        services = Pipeline.Services(azurite.ConnectionString, new Dictionary<string, string?> { ["Training:Ingest:WorkDirectory"] = work });
        return services.GetRequiredService<SnapshotStore>();
    }

    private static string Csv(int rows)
    {
        var csv = new StringBuilder("x,c,y\n");
        for (int i = 0; i < rows; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{i * 0.25},{(i % 7 == 0 ? "café" : "c" + (i % 5))},{i % 13 + 0.5}\n");
        }

        return csv.ToString();
    }

    private async Task<(TrainingJob Job, IngestOutput Output, SnapshotManifest Manifest, string Csv)> IngestAsync(ServiceProvider services, int rows = 1500)
    {
        var csv = Csv(rows);
        var dataset = await TestData.UploadTextAsync(azurite.Storage, csv, "custom");
        var job = JobMessageParser.Parse(
            JsonSerializer.Serialize(new { jobId = TestData.Unique("arrow"), model = "arrow-check", dataset, spec = new { task = "regression", label = "y", features = new object[] { new { name = "x", type = "numeric" }, new { name = "c", type = "categorical" } } } }),
            "m").Job!;
        var output = await services.GetRequiredService<DatasetIngestor>().IngestAsync(job, CancellationToken.None);
        var manifest = await services.GetRequiredService<SnapshotStore>().GetManifestAsync(output.SnapshotPrefix, CancellationToken.None);
        return (job, output, manifest, csv);
    }

    private async Task<byte[]> StagedAsync(IngestOutput output, string split) =>
        (await azurite.Storage.Staging.GetBlobClient($"{output.SnapshotPrefix}/{split}.arrow").DownloadContentAsync()).Value.Content.ToArray();

    private async Task<long> CountRowsAsync(SnapshotStore snapshots, string jobId, IngestOutput output, SnapshotManifest manifest, string split)
    {
        var folder = snapshots.LocalFolder(jobId);
        _folders.Add(folder);
        var view = await snapshots.OpenAsync(output.SnapshotPrefix, manifest, split, folder, CancellationToken.None);
        using var cursor = view.GetRowCursor(view.Schema);
        long rows = 0;
        while (cursor.MoveNext())
        {
            rows++;
        }

        Directory.Delete(folder, recursive: true);
        return rows;
    }

    [Fact]
    public async Task Ingest_StagedSplits_ReadWithTheArrowFileReader_HaveTheSchemaColumnsAndEveryCsvRow()
    {
        Machine(out var services);
        using var _ = services;
        var (_, output, manifest, csv) = await IngestAsync(services);

        var read = new List<(float Y, float X, string C)>();
        foreach (var split in Splits)
        {
            var bytes = await StagedAsync(output, split);
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), manifest.Sha256![split]);
            using var reader = new ArrowFileReader(new MemoryStream(bytes), compressionCodecFactory: new CompressionCodecFactory());
            Assert.Equal(["Label", "x", "c"], reader.Schema.FieldsList.Select(f => f.Name));
            Assert.Equal([ArrowTypeId.Float, ArrowTypeId.Float, ArrowTypeId.String], reader.Schema.FieldsList.Select(f => f.DataType.TypeId));
            long rows = 0;
            while (await reader.ReadNextRecordBatchAsync() is { } batch)
            {
                using (batch)
                {
                    var (y, x, c) = ((FloatArray)batch.Column(0), (FloatArray)batch.Column(1), (StringArray)batch.Column(2));
                    for (int i = 0; i < batch.Length; i++)
                    {
                        read.Add((y.GetValue(i)!.Value, x.GetValue(i)!.Value, c.GetString(i)));
                    }

                    rows += batch.Length;
                }
            }

            Assert.Equal(manifest.Rows[split], rows);
        }

        // The splits interleave the rows: compare as multisets.
        var expected = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(','))
            .Select(f => (float.Parse(f[2], CultureInfo.InvariantCulture), float.Parse(f[0], CultureInfo.InvariantCulture), f[1]));
        Assert.Equal(expected.Order(), read.Order());
        Assert.Equal(1500, read.Count);
    }

    [Fact]
    public async Task Open_ASplitThisMachineReadBefore_ComesFromItsCache_WhileAFreshMachineMustDownloadIt()
    {
        var ingesting = Machine(out var ingestServices);
        var reading = Machine(out var readServices);
        var fresh = Machine(out var freshServices);
        using var a = ingestServices;
        using var b = readServices;
        using var c = freshServices;
        var (job, output, manifest, _) = await IngestAsync(ingestServices);
        long expected = manifest.Rows[SplitName.Train];

        // The reading machine downloads once; then staging loses the split.
        Assert.Equal(expected, await CountRowsAsync(reading, job.JobId, output, manifest, SplitName.Train));
        await azurite.Storage.Staging.DeleteBlobAsync($"{output.SnapshotPrefix}/{SplitName.Train}.arrow");

        Assert.Equal(expected, await CountRowsAsync(reading, job.JobId, output, manifest, SplitName.Train));
        Assert.Equal(expected, await CountRowsAsync(ingesting, job.JobId, output, manifest, SplitName.Train));
        var missing = await Assert.ThrowsAsync<RequestFailedException>(() => CountRowsAsync(fresh, job.JobId, output, manifest, SplitName.Train));
        Assert.Equal(404, missing.Status);
    }

    [Fact]
    public async Task Open_AStagedSplitWhoseBytesAreNotTheManifests_IsRefusedNamingBothHashes_AndNotCached()
    {
        Machine(out var ingestServices);
        var reading = Machine(out var readServices);
        using var a = ingestServices;
        using var b = readServices;
        var (job, output, manifest, _) = await IngestAsync(ingestServices);
        var train = await StagedAsync(output, SplitName.Train);
        await azurite.Storage.Staging.GetBlobClient($"{output.SnapshotPrefix}/{SplitName.Test}.arrow").UploadAsync(BinaryData.FromBytes(train), overwrite: true);
        var folder = reading.LocalFolder(job.JobId);
        _folders.Add(folder);

        var ex = await Assert.ThrowsAsync<SnapshotIntegrityException>(() => reading.OpenAsync(output.SnapshotPrefix, manifest, SplitName.Test, folder, CancellationToken.None));

        Assert.Equal(manifest.Sha256![SplitName.Test], ex.ExpectedSha256);
        Assert.Equal(manifest.Sha256[SplitName.Train], ex.ActualSha256);
        Assert.Equal(
            $"Refusing to read the snapshot 'training-staging/{output.SnapshotPrefix}/test.arrow': its manifest recorded SHA-256 {manifest.Sha256[SplitName.Test]}, but the downloaded blob's SHA-256 is {manifest.Sha256[SplitName.Train]}.",
            ex.Message);
        Assert.Empty(Directory.GetFiles(folder));
        Assert.False(File.Exists(Path.Combine(reading.CacheFolder, manifest.Sha256[SplitName.Test] + ".rows")));
    }
}
