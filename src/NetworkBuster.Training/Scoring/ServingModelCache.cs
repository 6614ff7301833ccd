using System.Collections.Concurrent;
using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Scoring;

/// <summary>
/// Registered versions loaded for online scoring: each loaded once (its blob's SHA-256 verified against the registry
/// row), kept while used, the least recently used dropped past <see cref="Capacity"/>. Which version is current is asked
/// again after <see cref="CurrentLifetimeMs"/>, so a promotion or rollback is served within two seconds without a
/// registry query per request; a named version's row is read again after <see cref="RowLifetimeMs"/> (it changes only
/// when retention deletes its blobs).
/// A load that fails (missing, tampered) is not kept: the next request tries again.
/// </summary>
/// <param name="registry">The registry.</param>
/// <param name="models">The model store.</param>
public sealed class ServingModelCache(ModelRegistry registry, ModelStore models)
{
    /// <summary>The most versions held at once.</summary>
    public const int Capacity = 16;

    /// <summary>How long the answer to "which version is current" is reused (milliseconds): a promotion is served within this.</summary>
    public const long CurrentLifetimeMs = 2_000;

    /// <summary>How long a named version's registry row is reused before it is read again (milliseconds).</summary>
    public const long RowLifetimeMs = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (ModelVersionRow Row, long ReadAt)> _rows = new(StringComparer.Ordinal);
    private long _clock;

    /// <summary>The model's current version, or the named one, loaded.</summary>
    /// <exception cref="NotFoundException">When the model has no current version or the version does not exist.</exception>
    /// <exception cref="ModelIntegrityException">When the blob's hash differs from the registry's.</exception>
    public async Task<ServingModel> GetAsync(string model, int? version, CancellationToken cancellationToken = default)
    {
        var row = (version is { } v
                ? await RowAsync($"{model}\n{v}", RowLifetimeMs, () => registry.GetAsync(model, v, cancellationToken))
                : await RowAsync($"{model}\ncurrent", CurrentLifetimeMs, () => registry.GetCurrentAsync(model, cancellationToken)))
            ?? throw new NotFoundException(version is null ? $"Model {model} has no current version to predict with." : $"Version {model}:{version} does not exist in ModelRegistry.");
        if (row.BlobsDeletedAt is not null || row.ModelBlob is null)
        {
            throw new NotFoundException($"Version {model}:{row.Version}'s model was deleted by retention; predict with a kept version.");
        }

        // The hash is part of the key: a row that points at other bytes is another model.
        var key = $"{row.Model}\n{row.Version}\n{row.ModelSha256}";
        var entry = _entries.GetOrAdd(key, _ => new Entry(new Lazy<Task<ServingModel>>(() => LoadAsync(row))));
        entry.Touch(Interlocked.Increment(ref _clock));
        try
        {
            var loaded = await entry.Model.Value.WaitAsync(cancellationToken);
            Trim();
            return loaded;
        }
        catch (Exception) when (entry.Model.IsValueCreated && entry.Model.Value.IsFaulted)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            throw;
        }
    }

    // A registry row reused for lifetimeMs: which version is current (a promotion or rollback is served within that), or
    // a named version's row (it only changes when retention deletes its blobs). Nothing is kept for a missing row.
    private async Task<ModelVersionRow?> RowAsync(string key, long lifetimeMs, Func<Task<ModelVersionRow?>> read)
    {
        long now = Environment.TickCount64;
        if (_rows.TryGetValue(key, out var known) && now - known.ReadAt < lifetimeMs)
        {
            return known.Row;
        }

        var row = await read();
        if (row is not null)
        {
            _rows[key] = (row, now);
        }

        return row;
    }

    // Not the caller's token: a load shared by concurrent requests must not fail because the first one went away.
    private async Task<ServingModel> LoadAsync(ModelVersionRow row)
    {
        var schema = await models.InputSchemaAsync(row, CancellationToken.None);
        await using var zip = await models.DownloadModelAsync(row, CancellationToken.None);
        var ml = ModelContext.Create(seed: 1);
        var contentIds = schema.Task == ModelTask.Recommendation ? RecommenderModel.ReadCatalog(zip) : null;
        var model = ModelContext.Load(ml, zip, out _);
        return new ServingModel(new ModelVersionRef(row.Model, row.Version), schema, row.DecisionThreshold, model, contentIds);
    }

    private void Trim()
    {
        while (_entries.Count > Capacity
            && _entries.MinBy(e => e.Value.LastUsed) is { Key: not null } oldest
            && _entries.TryRemove(oldest))
        {
        }

        if (_rows.Count > 4 * Capacity)
        {
            _rows.Clear();
        }

    }

    private sealed class Entry(Lazy<Task<ServingModel>> model)
    {
        private long _lastUsed;

        public Lazy<Task<ServingModel>> Model { get; } = model;

        public long LastUsed => Interlocked.Read(ref _lastUsed);

        public void Touch(long stamp) => Interlocked.Exchange(ref _lastUsed, stamp);
    }
}
