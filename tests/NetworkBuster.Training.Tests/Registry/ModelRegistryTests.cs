using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using NetworkBuster.Training.Registry;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Registry;

[Trait("Tier", "Integration")]
public class ModelRegistryTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset At = new(2025, 1, 15, 0, 0, 0, TimeSpan.Zero);

    private ModelRegistry Registry => new(azurite.Storage);

    private async Task<int> AddAsync(string model, string? jobId = null)
    {
        var row = new ModelVersionRow { Model = model, JobId = jobId ?? TestData.Unique("job"), Status = VersionStatus.Available };
        int version = await Registry.AddVersionAsync(row);
        var bytes = Encoding.UTF8.GetBytes($"model {model} v{version}");
        await azurite.Storage.Models.GetBlobClient(ModelVersionRow.ModelBlobOf(model, version)).UploadAsync(BinaryData.FromBytes(bytes), overwrite: true);
        await azurite.Storage.Registry.UpdateEntityAsync(
            new Azure.Data.Tables.TableEntity(model, ModelVersionRow.KeyOf(version)) { ["ModelSha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)) },
            Azure.ETag.All);
        return version;
    }

    private async Task<List<int>> CurrentVersionsAsync(string model) =>
        [.. (await Registry.ListAsync(model)).Where(r => r.IsCurrent).Select(r => r.Version)];

    [Fact]
    public async Task AddVersionAndPromote_TwentyJobsAtOnce_GiveTwentyConsecutiveVersionsAndOneCurrent()
    {
        var model = TestData.Unique("conc");

        var versions = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            int v = await Registry.AddVersionAsync(new ModelVersionRow { Model = model, JobId = $"job-{i}" });
            await Registry.PromoteAsync(model, v, At, $"job:job-{i}");
            return v;
        }));

        Assert.Equal(Enumerable.Range(1, 20), versions.Order());
        Assert.Single(await CurrentVersionsAsync(model));
        Assert.Equal(20, (await Registry.ListAsync(model)).Select(r => r.JobId).Distinct().Count());
    }

    [Fact]
    public async Task PromoteAsync_FirstPromotionsRacing_LeaveExactlyOneCurrent()
    {
        var model = TestData.Unique("race");
        var versions = new List<int>();
        for (int i = 0; i < 8; i++)
        {
            versions.Add(await Registry.AddVersionAsync(new ModelVersionRow { Model = model, JobId = $"j{i}" }));
        }

        await Task.WhenAll(versions.Select(v => Registry.PromoteAsync(model, v, At, "test")));

        Assert.Single(await CurrentVersionsAsync(model));
    }

    [Fact]
    public async Task RollbackAsync_MakesThePreviousAvailableVersionCurrentAndDeprecatesTheRolledBackOne()
    {
        var model = TestData.Unique("rollback");
        var (v1, v2, v3) = (await AddAsync(model), await AddAsync(model), await AddAsync(model));
        foreach (var v in new[] { v1, v2, v3 })
        {
            await Registry.PromoteAsync(model, v, At, "test");
        }

        var (from, to) = await Registry.RollbackAsync(model, At.AddMinutes(1), "cli:ops@box", "bad predictions");

        Assert.Equal((v3, v2), (from, to));
        Assert.Equal([v2], await CurrentVersionsAsync(model));
        Assert.Equal(VersionStatus.Deprecated, (await Registry.GetAsync(model, v3))!.Status);
        var history = await Registry.HistoryAsync(model);
        Assert.Equal((HistoryAction.Rollback, v2, v3, "cli:ops@box"), (history[0].Action, history[0].Version, history[0].PreviousVersion, history[0].By));
        Assert.Equal(4, history.Count);
        Assert.Equal((v2, v1), await Registry.RollbackAsync(model, At.AddMinutes(2), "test"));
        await Assert.ThrowsAsync<RegistryException>(() => Registry.RollbackAsync(model, At.AddMinutes(3), "test"));
    }

    [Fact]
    public async Task PromoteAndRollback_UnderConcurrentReaders_NeverShowZeroOrTwoCurrent()
    {
        var model = TestData.Unique("readers");
        var (v1, v2) = (await AddAsync(model), await AddAsync(model));
        await Registry.PromoteAsync(model, v1, At, "test");
        using var stop = new CancellationTokenSource();
        var seen = new List<int>();
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                int count = (await CurrentVersionsAsync(model)).Count;
                lock (seen)
                {
                    seen.Add(count);
                }
            }
        })).ToList();

        for (int i = 0; i < 15; i++)
        {
            await Registry.PromoteAsync(model, i % 2 == 0 ? v2 : v1, At.AddSeconds(i), "test");
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.True(seen.Count > 10, $"only {seen.Count} reads");
        Assert.All(seen, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task PromoteAsync_UnknownVersion_SaysItDoesNotExist()
    {
        var model = TestData.Unique("unknown");
        await AddAsync(model);

        var ex = await Assert.ThrowsAsync<NotFoundException>(() => Registry.PromoteAsync(model, 9, At, "test"));

        Assert.Contains($"{model}:9 does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retention_KeepsTheNewestNonCurrentBlobs_AndDeprecatesOlderVersionsKeepingTheirRows()
    {
        var model = TestData.Unique("retain");
        var versions = new List<int>();
        for (int i = 0; i < 5; i++)
        {
            versions.Add(await AddAsync(model));
        }

        await Registry.PromoteAsync(model, versions[^1], At, "test");
        var services = Pipeline.Services(azurite.ConnectionString, new Dictionary<string, string?> { ["Training:Registry:KeepVersions"] = "2" });

        var deleted = await services.GetRequiredService<RetentionPolicy>().ApplyAsync(model);

        Assert.Equal([2, 1], deleted);
        var rows = await Registry.ListAsync(model);
        Assert.Equal(5, rows.Count);
        foreach (var row in rows)
        {
            bool exists = await azurite.Storage.Models.GetBlobClient(ModelVersionRow.ModelBlobOf(model, row.Version)).ExistsAsync();
            Assert.Equal(row.Version > 2, exists);
            Assert.Equal(row.Version <= 2 ? VersionStatus.Deprecated : VersionStatus.Available, row.Status);
        }

        await Assert.ThrowsAsync<RegistryException>(() => Registry.PromoteAsync(model, 1, At, "test"));
    }

    [Fact]
    public async Task LoadAsync_TamperedBlob_IsRefusedNamingBothHashes()
    {
        var model = TestData.Unique("tamper");
        int version = await AddAsync(model);
        var row = (await Registry.GetAsync(model, version))!;
        await azurite.Storage.Models.GetBlobClient(row.ModelBlob).UploadAsync(BinaryData.FromString("evil"), overwrite: true);

        var ex = await Assert.ThrowsAsync<ModelIntegrityException>(() => new ModelStore(azurite.Storage).LoadAsync(new MLContext(), row, CancellationToken.None));

        Assert.Contains(row.ModelSha256!, ex.Message, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData("evil"u8)), ex.Message, StringComparison.Ordinal);
    }
}
