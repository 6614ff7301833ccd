using NetworkBuster.Training.Presets;
using NetworkBuster.Training.Training;

namespace NetworkBuster.Training.Tests.Presets;

/// <summary>A preset's measured hyperparameter defaults: under the job's own values, only where the trainer takes them.</summary>
public class ModelPresetDefaultsTests
{
    [Fact]
    public void WithDefaults_JobSetsNothing_TheBoosterGetsThePresetLearningRate()
    {
        var p = PresetCatalog.PerformanceOptimizer.WithDefaults(TrainerCatalog.LightGbm, new Dictionary<string, double>());

        Assert.Equal(0.05, TrainerFactory.Effective(TrainerCatalog.LightGbm, p)["learningRate"]);
    }

    [Fact]
    public void WithDefaults_JobSetsTheLearningRate_TheJobWinsAndTheLeavesStay()
    {
        var p = PresetCatalog.PerformanceOptimizer.WithDefaults(TrainerCatalog.FastTree, new Dictionary<string, double> { ["learningRate"] = 0.3 });

        Assert.Equal((0.3, 31.0), (p["learningRate"], p["numberOfLeaves"]));
    }

    [Fact]
    public void WithDefaults_JobSetsItsOwnRounds_KeepsTheTrainerDefaults()
    {
        var p = PresetCatalog.PerformanceOptimizer.WithDefaults(TrainerCatalog.LightGbm, new Dictionary<string, double> { ["numberOfTrees"] = 60 });

        Assert.Equal(0.2, TrainerFactory.Effective(TrainerCatalog.LightGbm, p)["learningRate"]);
    }

    [Fact]
    public void WithDefaults_TrainerWithoutALearningRate_GetsNone()
    {
        var p = PresetCatalog.PerformanceOptimizer.WithDefaults(TrainerCatalog.Sdca, new Dictionary<string, double>());

        Assert.Empty(p);
    }
}
