using System.Text.Json;
using NetworkBuster.Training.Admissions;
using NetworkBuster.Training.Runs;
using NetworkBuster.Training.Cli.Samples;
using NetworkBuster.Training.Tests.Infrastructure;

namespace NetworkBuster.Training.Tests.Reliability;

/// <summary>Hostile input through the queue into the real host: each ends as a Failed run naming what was expected and found.</summary>
[Trait("Tier", "Integration")]
public class HostileInputTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private sealed record Case(string JobId, string Message, string Code, string Mention);

    private static string Job(string jobId, string dataset, string model = "performance-optimizer", object? hyperparameters = null) =>
        JsonSerializer.Serialize(new { jobId, model, dataset, hyperparameters });

    private async Task<string> CsvAsync(IEnumerable<string> lines) => await TestData.UploadTextAsync(azurite.Storage, string.Join("\n", lines));

    [Fact]
    public async Task HostileMessagesAndDatasets_FailWithContractCodes_AndTheNextValidJobSucceeds()
    {
        var good = TestData.PerformanceLines(400);
        var rows = good.Skip(1).Take(20).ToList();
        var goodCsv = await CsvAsync(good);
        var empty = await CsvAsync([]);
        var headerOnly = await CsvAsync([PerformanceSampleData.Header]);
        var wrongHeader = await CsvAsync(["timestamp,endpoint,latency_ms,error_rate,throughput_rps,cache_hit_rate", .. rows]);
        var columns = await CsvAsync([PerformanceSampleData.Header, rows[0], "2025-01-01T00:00:00Z,/a,1,2", .. rows.Skip(1)]);
        var text = await CsvAsync([PerformanceSampleData.Header, rows[0], "2025-01-01T00:00:00Z,/a,120,0.01,fast,0.5", .. rows.Skip(1)]);
        var nan = await CsvAsync([PerformanceSampleData.Header, rows[0], "2025-01-01T00:00:00Z,/a,NaN,0.01,10,0.5", "2025-01-01T00:00:00Z,/a,120,Infinity,10,0.5", .. rows.Skip(1)]);
        var few = await CsvAsync([PerformanceSampleData.Header, .. rows.Take(10)]);
        var oneClass = await CsvAsync(["tenure,plan,churned", .. Enumerable.Range(0, 200).Select(i => $"{i % 70},{(i % 3 == 0 ? "basic" : "pro")},No")]);
        string Id(string name) => TestData.Unique(name);
        var cases = new List<Case>();
        void Add(string name, Func<string, string> message, string code, string mention)
        {
            var id = Id(name);
            cases.Add(new Case(id, message(id), code, mention));
        }

        Add("shape", id => $$"""{"jobId":"{{id}}","model":"performance-optimizer","dataset":["a"]}""", "InvalidMessage", "'dataset' must be a string");
        Add("model", id => Job(id, goodCsv, model: "no-such-model"), "UnknownModel", "\"no-such-model\"");
        Add("hyper", id => Job(id, goodCsv, hyperparameters: new { maxDepth = 6 }), "InvalidHyperparameter", "\"maxDepth\"");
        Add("missing", id => Job(id, "performance-optimizer/absent.csv"), "DatasetNotFound", "performance-optimizer/absent.csv");
        Add("dotdot", id => Job(id, "../ml-models/performance-optimizer/v1/model.zip"), "InvalidMessage", "'..'");
        Add("url", id => Job(id, "https://example.com/data.csv"), "InvalidMessage", "URL");
        Add("empty", id => Job(id, empty), "SchemaMismatch", "is empty");
        Add("header-only", id => Job(id, headerOnly), "InsufficientData", "0 usable rows");
        Add("wrong-header", id => Job(id, wrongHeader), "SchemaMismatch", "missing: response_time_ms; unexpected: latency_ms");
        Add("columns", id => Job(id, columns), "BadRows", "line 3 (expected 6 fields, found 4)");
        Add("text", id => Job(id, text), "BadRows", "column 'throughput_rps' expected a finite number, found \"fast\"");
        Add("nan", id => Job(id, nan), "BadRows", "line 4 (column 'error_rate' expected a finite number, found \"Infinity\")");
        Add("few", id => Job(id, few), "InsufficientData", "at least 30 usable rows");
        Add("one-class", id => JsonSerializer.Serialize(new { jobId = id, model = "churn-one-class", dataset = oneClass, spec = new { task = "binary", label = "churned" } }), "InsufficientData", "every one of the 200 usable rows");

        using var host = await Pipeline.StartHostAsync(azurite.ConnectionString);
        foreach (var c in cases)
        {
            await azurite.Storage.JobsQueue.SendMessageAsync(c.Message);
        }

        var binary = await azurite.Storage.JobsQueue.SendMessageAsync(Convert.ToBase64String(new byte[40_000]));
        var valid = Id("valid");
        await azurite.Storage.JobsQueue.SendMessageAsync(Job(valid, goodCsv));

        var runs = new RunStore(azurite.Storage);
        foreach (var c in cases)
        {
            var run = await runs.WaitAsync(c.JobId, TimeSpan.FromMinutes(2));
            Assert.True(run.Status == RunStatus.Failed && run.ErrorCode == c.Code, $"{c.JobId}: expected Failed {c.Code}, found {run.Status} {run.ErrorCode} {run.ErrorMessage}");
            Assert.Contains(c.Mention, run.ErrorMessage, StringComparison.Ordinal);
        }

        var garbage = await runs.WaitAsync(JobAdmission.FallbackJobId(binary.Value.MessageId), TimeSpan.FromMinutes(2));
        Assert.Equal((RunStatus.Failed, "InvalidMessage"), (garbage.Status, garbage.ErrorCode));
        Assert.Equal(RunStatus.Succeeded, (await runs.WaitAsync(valid, TimeSpan.FromMinutes(2))).Status);
    }
}
