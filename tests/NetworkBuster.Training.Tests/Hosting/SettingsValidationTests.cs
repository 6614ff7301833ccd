using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NetworkBuster.Training.Datasets;
using NetworkBuster.Training.Hosting;
using NetworkBuster.Training.Registry;

namespace NetworkBuster.Training.Tests.Hosting;

/// <summary>Bad settings stop the pipeline at start, each problem naming the setting, the value found and the range.</summary>
public class SettingsValidationTests
{
    private static readonly Dictionary<string, string?> Bad = new()
    {
        ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        ["Training:Ingest:MaxBadRowShare"] = "2",
        ["Training:Registry:KeepVersions"] = "0",
        ["Training:Gate:Margin"] = "-0.1",
        ["Training:Workflow:ActivityMaxAttempts"] = "0",
    };

    private static ServiceProvider Services(IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddTrainingPipeline(configuration).BuildServiceProvider();
    }

    [Fact]
    public void ValidateSettings_NamesEverySettingItsValueAndTheRange()
    {
        using var services = Services(Bad);

        var ex = Assert.Throws<InvalidSettingsException>(() => TrainingPipelineServiceCollectionExtensions.ValidateSettings(services));

        Assert.Contains("Training:Ingest:MaxBadRowShare must be 0–1, found 2.", ex.Problems);
        Assert.Contains("Training:Registry:KeepVersions must be 1–10000, found 0.", ex.Problems);
        Assert.Contains("Training:Gate:Margin must be at least 0 and below 1, found -0.1.", ex.Problems);
        Assert.Contains("Training:Workflow:ActivityMaxAttempts must be 1–10, found 0.", ex.Problems);
    }

    [Fact]
    public void ReadingInvalidOptions_ThrowsTheTypedError_NotTheOptionsLibrarys()
    {
        using var services = Services(Bad);

        var ex = Assert.Throws<InvalidSettingsException>(() => services.GetRequiredService<IngestOptions>());

        Assert.Equal(["Training:Ingest:MaxBadRowShare must be 0–1, found 2."], ex.Problems);
    }

    [Fact]
    public void ValidSettings_AreBoundOntoTheOptionsConsumersTake()
    {
        using var services = Services(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", ["Training:Registry:KeepVersions"] = "3" });

        TrainingPipelineServiceCollectionExtensions.ValidateSettings(services);

        Assert.Equal(3, services.GetRequiredService<RegistryOptions>().KeepVersions);
        Assert.Same(services.GetRequiredService<IOptions<RegistryOptions>>().Value, services.GetRequiredService<RegistryOptions>());
    }

    [Fact]
    public async Task AHostWithInvalidSettings_DoesNotStart()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(Bad);
        builder.Services.AddTrainingPipeline(builder.Configuration);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<AggregateException>(() => host.StartAsync());

        Assert.All(ex.InnerExceptions, e => Assert.IsType<OptionsValidationException>(e));
        Assert.Equal(4, ex.InnerExceptions.Count);
    }
}
