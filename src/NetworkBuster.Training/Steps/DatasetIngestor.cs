using System.Globalization;
using System.Net;
using Azure;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Drift;
using NetworkBuster.Training.Evaluation;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Presets;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Steps;

/// <summary>
/// The ingest step: streams the CSV from <c>ai-training-datasets</c> (never holding it as text), checks the header,
/// shapes records into typed rows (one per record, or aggregated by a preset's <see cref="IDatasetShaper"/>), counts
/// bad rows, splits train/validation/test (random, time or a given test file) and writes typed snapshots to staging.
/// </summary>
/// <param name="storage">The storage account.</param>
/// <param name="snapshots">Where snapshots go.</param>
/// <param name="options">Ingest limits.</param>
/// <param name="profiler">Profiles the train split and measures its drift from the current version.</param>
/// <param name="logger">Logger.</param>
public sealed class DatasetIngestor(StorageClients storage, SnapshotStore snapshots, IngestOptions options, DatasetProfiler profiler, ILogger<DatasetIngestor> logger)
{
    private const int ReportedBadLines = 5;

    /// <summary>Ingests a job's dataset.</summary>
    /// <exception cref="TrainingException">For bad input: DatasetNotFound, SchemaMismatch, BadRows, InsufficientData.</exception>
    public async Task<IngestOutput> IngestAsync(TrainingJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var spec = ResolveSpec(job);
        var shaper = DatasetShapers.Create(job, spec);

        // k-fold cross-validation folds every row at train time; ingest keeps them all in train.
        var split = job.Split.Kind == SplitSpec.KFold ? job.Split with { Kind = SplitSpec.Random, Test = 0, Validation = 0 } : job.Split;
        var folder = snapshots.LocalFolder(job.JobId);
        IReadOnlyList<Stream>? outputs = null;
        ShapedRowStore? store = null;
        bool written = false;
        try
        {
            var bad = new BadRowLog();
            var (sha256, etag, bytes) = await ReadBlobAsync(job.Dataset, spec, bad, async (header, sample) =>
            {
                // Opened once the header is known good: the splits upload to staging while the CSV is still read.
                var schema = shaper.Start(header, sample);
                outputs = await snapshots.OpenWriteAsync(job.JobId, cancellationToken);
                store = new ShapedRowStore(folder, schema, split, outputs, profiler.SampleRowsFor(schema));
                return store;
            }, shaper, cancellationToken);
            var notes = new Dictionary<string, string>(StringComparer.Ordinal);
            if (job.Split.TestBlob is { } testBlob)
            {
                store!.ForcedSplit = SplitName.Test;
                bad.Where = "test file ";
                var test = await ReadBlobAsync(testBlob, spec, bad, (header, _) =>
                {
                    shaper.StartNextFile(header);
                    return Task.FromResult(store);
                }, shaper, cancellationToken);
                notes["testDatasetSha256"] = test.Sha256;
            }

            var (rows, hashes, validationFrom, testFrom) = store!.Finish();
            foreach (var (key, value) in shaper.Notes)
            {
                notes[key] = value;
            }

            AddTimeNote(notes, "validationFrom", validationFrom);
            AddTimeNote(notes, "testFrom", testFrom);
            CheckCounts(job, spec, rows, store.Count, bad);
            LabelBalance.Check(job, spec, rows, store.Positives);
            foreach (var output in outputs!)
            {
                await output.DisposeAsync();
            }

            var manifest = new SnapshotManifest(store.Schema, rows, notes, hashes);
            await snapshots.WriteManifestAsync(job.JobId, manifest, cancellationToken);
            snapshots.CacheLocalCopies(manifest, folder);
            var sample = new RowArrays(store.Schema, [.. store.TrainSample.Numbers], [.. store.TrainSample.Strings]);
            var drift = await profiler.ProfileAsync(job, sample, cancellationToken);
            written = true;
            logger.LogInformation(
                "Ingested {Dataset} for {JobId}: {Train}/{Validation}/{Test} rows, {BadRows} bad, {Bytes} bytes",
                job.Dataset, job.JobId, rows[SplitName.Train], rows[SplitName.Validation], rows[SplitName.Test], bad.Count, bytes);
            return new IngestOutput(job.JobId, rows[SplitName.Train], rows[SplitName.Validation], rows[SplitName.Test], bad.Count, sha256, etag, bytes) { Drift = drift };
        }
        finally
        {
            store?.Dispose();
            if (!written && outputs is not null)
            {
                await DiscardAsync(job.JobId, outputs);
            }

            TryDelete(folder);
        }
    }

    /// <summary>The tabular problem a job trains: its preset's, or its custom spec.</summary>
    public static TabularSpec ResolveSpec(TrainingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return PresetCatalog.Find(job.Model) is { } preset ? preset.Spec
            : job.Spec is { } spec ? SpecParser.Parse(spec)
            : throw new TrainingException(ErrorCode.UnknownModel, $"'model' must be a preset ({PresetCatalog.Names}) or a custom model with a 'spec', but found \"{job.Model}\".");
    }

    private async Task<(string Sha256, string ETag, long Bytes)> ReadBlobAsync(
        string name,
        TabularSpec spec,
        BadRowLog bad,
        Func<IReadOnlyList<string>, IReadOnlyList<string[]>, Task<ShapedRowStore>> start,
        IDatasetShaper shaper,
        CancellationToken cancellationToken)
    {
        Response<Azure.Storage.Blobs.Models.BlobDownloadStreamingResult> download;
        try
        {
            download = await storage.Datasets.GetBlobClient(name).DownloadStreamingAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            throw new TrainingException(ErrorCode.DatasetNotFound, $"Expected the dataset blob '{name}' in container '{StorageNames.DatasetsContainer}', but found no such blob.", ex);
        }

        var details = download.Value.Details;
        if (details.ContentLength > options.MaxDatasetBytes)
        {
            download.Value.Dispose();
            throw new TrainingException(ErrorCode.BadRows, $"Expected a dataset of at most {options.MaxDatasetBytes} bytes, but '{name}' has {details.ContentLength} bytes.");
        }

        // Download and hashing run ahead on a background task while this thread parses and shapes.
        var hashing = new HashingReadStream(download.Value.Content);
        await using var prefetch = new PrefetchReadStream(hashing);
        await using (var csv = await CsvRecordStream.OpenAsync(prefetch, name, spec.ExpectedHeader, options.MaxRecordBytes, cancellationToken))
        {
            var sample = new List<(int Line, string[] Fields)>();
            while (sample.Count < options.SampleRows && await csv.ReadAsync(cancellationToken) is { } fields)
            {
                sample.Add((csv.Line, fields));
            }

            var sink = await start(csv.Header, [.. sample.Select(s => s.Fields)]);
            foreach (var (line, fields) in sample)
            {
                bad.Check(line, fields.Length == csv.Header.Count ? shaper.Accept(fields, sink) : FieldCount(csv.Header.Count, fields.Length));
            }

            var spans = shaper as ISpanDatasetShaper;
            while (await csv.MoveNextAsync(cancellationToken))
            {
                var fields = csv.Fields;
                bad.Check(
                    csv.Line,
                    fields.Count != csv.Header.Count ? FieldCount(csv.Header.Count, fields.Count)
                    : spans is not null ? spans.Accept(fields, sink)
                    : shaper.Accept(fields.ToStrings(), sink));
            }

            shaper.Complete(sink);
        }

        await prefetch.FinishAsync(cancellationToken);
        var sha256 = await hashing.FinishAsync(cancellationToken);
        return (sha256, details.ETag.ToString(), hashing.BytesRead);
    }

    private static string FieldCount(int expected, int found) => $"expected {expected} fields, found {found}";

    private static void AddTimeNote(Dictionary<string, string> notes, string name, double? seconds)
    {
        if (seconds is { } s && double.IsFinite(s) && s > 1e8)
        {
            notes[name] = DateTime.UnixEpoch.AddSeconds(s).ToString("O", CultureInfo.InvariantCulture);
        }
    }

    private void CheckCounts(TrainingJob job, TabularSpec spec, Dictionary<string, long> rows, long goodRows, BadRowLog bad)
    {
        long total = goodRows + bad.Count;
        if (bad.Count > 0 && bad.Count > options.MaxBadRowShare * (bad.Records + bad.Count))
        {
            throw new TrainingException(
                ErrorCode.BadRows,
                $"Expected at most {options.MaxBadRowShare:P1} unreadable rows in '{job.Dataset}', but found {bad.Count} of {bad.Records + bad.Count}; first bad lines: {string.Join("; ", bad.First)}.");
        }

        if (job.Split.Kind == SplitSpec.KFold)
        {
            long needed = Math.Max(options.MinRows, job.Split.Folds * (long)options.MinTestRows);
            if (goodRows < needed)
            {
                throw new TrainingException(ErrorCode.InsufficientData, $"Expected at least {needed} usable rows for {job.Split.Folds} folds of at least {options.MinTestRows}, but '{job.Dataset}' has {goodRows}.");
            }

            return;
        }

        if (goodRows < options.MinRows || rows[SplitName.Test] < options.MinTestRows)
        {
            throw new TrainingException(
                ErrorCode.InsufficientData,
                $"Expected at least {options.MinRows} usable rows with {options.MinTestRows} in the test split, but '{job.Dataset}' has {goodRows} usable rows ({rows[SplitName.Test]} in test){(spec.ExpectedHeader is not null && total == 0 ? " (header only)" : "")}.");
        }
    }

    // Splits stream to staging while the CSV is read: a dataset refused at the end, a failure or a cancellation
    // leaves nothing behind. Best effort: the failure being reported matters more than a leftover the registrar's
    // cleanup or the next attempt (which overwrites) also handles.
    private async Task DiscardAsync(string jobId, IReadOnlyList<Stream> outputs)
    {
        foreach (var output in outputs)
        {
            try
            {
                await output.DisposeAsync();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                logger.LogDebug(ex, "Discarding a snapshot upload of {JobId} failed", jobId);
            }
        }

        try
        {
            await snapshots.DeleteAsync(jobId, CancellationToken.None);
        }
        catch (RequestFailedException ex)
        {
            logger.LogWarning(ex, "Could not delete the staged snapshots of {JobId}", jobId);
        }
    }

    private void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException ex)
        {
            logger.LogWarning(ex, "Could not delete the working folder {Folder}", folder);
        }
    }

    private sealed class BadRowLog
    {
        public long Count { get; private set; }

        public long Records { get; private set; }

        public List<string> First { get; } = [];

        /// <summary>The prefix of reported lines: empty for the dataset, "test file " for a files split's test blob.</summary>
        public string Where { get; set; } = "";

        public void Check(int line, string? problem)
        {
            if (problem is null)
            {
                Records++;
                return;
            }

            Count++;
            if (First.Count < ReportedBadLines)
            {
                First.Add($"{Where}line {line.ToString(CultureInfo.InvariantCulture)} ({problem})");
            }
        }
    }
}
