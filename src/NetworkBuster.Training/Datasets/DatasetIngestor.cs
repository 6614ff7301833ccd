using System.Globalization;
using System.Net;
using System.Text;
using Azure;
using Microsoft.Extensions.Logging;
using NetworkBuster.Training.Jobs;
using NetworkBuster.Training.Presets;
using NetworkBuster.Training.Storage;
using NetworkBuster.Training.Workflow;
using Sylvan.Data.Csv;

namespace NetworkBuster.Training.Datasets;

/// <summary>
/// The ingest step: streams the CSV from <c>ai-training-datasets</c> (never holding it as text), checks the header,
/// maps rows to typed values, counts bad rows, splits train/validation/test and writes typed snapshots to staging.
/// </summary>
/// <param name="storage">The storage account.</param>
/// <param name="snapshots">Where snapshots go.</param>
/// <param name="options">Ingest limits.</param>
/// <param name="logger">Logger.</param>
public sealed class DatasetIngestor(StorageClients storage, SnapshotStore snapshots, IngestOptions options, ILogger<DatasetIngestor> logger)
{
    private const int ReportedBadLines = 5;

    /// <summary>Ingests a job's dataset.</summary>
    /// <exception cref="TrainingException">For bad input: DatasetNotFound, SchemaMismatch, BadRows, InsufficientData.</exception>
    public async Task<IngestOutput> IngestAsync(TrainingJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var spec = ResolveSpec(job);
        if (job.Split.Kind != SplitSpec.Random)
        {
            throw new TrainingException(ErrorCode.InvalidMessage, $"'split.kind' must be random in this build, but found \"{job.Split.Kind}\".");
        }

        var blob = storage.Datasets.GetBlobClient(job.Dataset);
        Response<Azure.Storage.Blobs.Models.BlobDownloadStreamingResult> download;
        try
        {
            download = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            throw new TrainingException(ErrorCode.DatasetNotFound, $"Expected the dataset blob '{job.Dataset}' in container '{StorageNames.DatasetsContainer}', but found no such blob.", ex);
        }

        var details = download.Value.Details;
        if (details.ContentLength > options.MaxDatasetBytes)
        {
            download.Value.Dispose();
            throw new TrainingException(ErrorCode.BadRows, $"Expected a dataset of at most {options.MaxDatasetBytes} bytes, but '{job.Dataset}' has {details.ContentLength} bytes.");
        }

        try
        {
            await using var hashing = new HashingReadStream(download.Value.Content);
            var (manifest, badRows) = await SplitAsync(job, spec, hashing, cancellationToken);
            var sha256 = await hashing.FinishAsync(cancellationToken);
            await snapshots.WriteManifestAsync(job.JobId, manifest, cancellationToken);
            logger.LogInformation(
                "Ingested {Dataset} for {JobId}: {Train}/{Validation}/{Test} rows, {BadRows} bad, {Bytes} bytes",
                job.Dataset, job.JobId, manifest.Rows[SplitName.Train], manifest.Rows[SplitName.Validation], manifest.Rows[SplitName.Test], badRows, hashing.BytesRead);
            return new IngestOutput(
                job.JobId,
                manifest.Rows[SplitName.Train],
                manifest.Rows[SplitName.Validation],
                manifest.Rows[SplitName.Test],
                badRows,
                sha256,
                details.ETag.ToString(),
                hashing.BytesRead);
        }
        catch (TrainingException)
        {
            // Splits are streamed to staging while they are read: a dataset refused at the end leaves nothing behind.
            await snapshots.DeleteAsync(job.JobId, CancellationToken.None);
            throw;
        }
    }

    /// <summary>The tabular problem a job trains: its preset's, or its custom spec.</summary>
    public static TabularSpec ResolveSpec(TrainingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return PresetCatalog.Find(job.Model) is { } preset
            ? preset.IsTrainable ? preset.Spec : throw new TrainingException(ErrorCode.UnknownModel, $"Preset '{preset.Name}' is defined by the contract but cannot be trained by this build yet; trainable presets: {string.Join(", ", PresetCatalog.All.Where(p => p.IsTrainable).Select(p => p.Name))}.")
            : job.Spec is { } spec ? SpecParser.Parse(spec)
            : throw new TrainingException(ErrorCode.UnknownModel, $"'model' must be a preset ({PresetCatalog.Names}) or a custom model with a 'spec', but found \"{job.Model}\".");
    }

    private async Task<(SnapshotManifest Manifest, long BadRows)> SplitAsync(TrainingJob job, TabularSpec spec, Stream content, CancellationToken cancellationToken)
    {
        using var text = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        CsvDataReader reader;
        try
        {
            reader = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions { HasHeaders = true, BufferSize = 1 << 16 }, cancellationToken);
        }
        catch (CsvMissingHeadersException ex)
        {
            throw new TrainingException(ErrorCode.SchemaMismatch, $"Expected a CSV with a header{(spec.ExpectedHeader is { } h ? " " + string.Join(",", h) : "")}, but '{job.Dataset}' is empty.", ex);
        }

        await using var _ = reader;
        var header = Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetName(i).Trim()).ToList();
        var sample = new List<(int Line, string[] Fields)>();
        while (sample.Count < options.SampleRows && await reader.ReadAsync(cancellationToken))
        {
            sample.Add((reader.RowNumber + 1, ReadFields(reader)));
        }

        var mapper = RowMapper.Create(spec, header, [.. sample.Select(s => s.Fields)]);
        var schema = mapper.Schema;
        var writers = new Dictionary<string, (Stream File, RowFile.Writer Writer)>();
        try
        {
            foreach (var split in new[] { SplitName.Train, SplitName.Validation, SplitName.Test })
            {
                var file = await snapshots.OpenWriteAsync(job.JobId, split, cancellationToken);
                writers[split] = (file, new RowFile.Writer(file, 1 + schema.NumberColumns.Count, schema.StringColumns.Count));
            }
        }
        catch
        {
            await CloseAsync(writers);
            throw;
        }

        var numbers = new float[1 + schema.NumberColumns.Count];
        var strings = new string[schema.StringColumns.Count];
        var bad = new List<string>();
        long badRows = 0;
        long rowIndex = 0;
        void Accept(int line, string[] fields)
        {
            if (mapper.TryMap(fields, numbers, strings) is { } problem)
            {
                badRows++;
                if (bad.Count < ReportedBadLines)
                {
                    bad.Add($"line {line.ToString(CultureInfo.InvariantCulture)} ({problem})");
                }

                return;
            }

            writers[SplitAssigner.Assign(job.Split, rowIndex++)].Writer.Write(numbers, strings);
        }

        try
        {
            foreach (var (line, fields) in sample)
            {
                Accept(line, fields);
            }

            while (await reader.ReadAsync(cancellationToken))
            {
                Accept(reader.RowNumber + 1, ReadFields(reader));
            }
        }
        finally
        {
            await CloseAsync(writers);
        }

        var rows = writers.ToDictionary(w => w.Key, w => w.Value.Writer.Rows);
        CheckCounts(job, spec, rows, rowIndex, badRows, bad);
        return (new SnapshotManifest(schema, rows), badRows);
    }

    private static async Task CloseAsync(Dictionary<string, (Stream File, RowFile.Writer Writer)> writers)
    {
        foreach (var (file, writer) in writers.Values)
        {
            writer.Dispose();
            await file.DisposeAsync();
        }
    }

    private void CheckCounts(TrainingJob job, TabularSpec spec, Dictionary<string, long> rows, long goodRows, long badRows, List<string> bad)
    {
        long total = goodRows + badRows;
        if (badRows > 0 && badRows > options.MaxBadRowShare * total)
        {
            throw new TrainingException(
                ErrorCode.BadRows,
                $"Expected at most {options.MaxBadRowShare:P1} unreadable rows in '{job.Dataset}', but found {badRows} of {total}; first bad lines: {string.Join("; ", bad)}.");
        }

        if (goodRows < options.MinRows || rows[SplitName.Test] < options.MinTestRows)
        {
            throw new TrainingException(
                ErrorCode.InsufficientData,
                $"Expected at least {options.MinRows} usable rows with {options.MinTestRows} in the test split, but '{job.Dataset}' has {goodRows} usable rows ({rows[SplitName.Test]} in test){(spec.ExpectedHeader is not null && total == 0 ? " (header only)" : "")}.");
        }
    }

    private static string[] ReadFields(CsvDataReader reader)
    {
        var fields = new string[reader.RowFieldCount];
        for (int i = 0; i < fields.Length; i++)
        {
            fields[i] = reader.GetString(i);
        }

        return fields;
    }
}
