using NetworkBuster.Training.Contracts;
using NetworkBuster.Training.Datasets;

namespace NetworkBuster.Training.Steps;

/// <summary>What ingest requires of the labels it read: both classes where a model is scored by them.</summary>
internal static class LabelBalance
{
    // A binary model needs both classes to learn from and to be scored on (AUC is undefined with one).
    public static void Check(TrainingJob job, TabularSpec spec, Dictionary<string, long> rows, Dictionary<string, long> positives)
    {
        if (spec.Task == ModelTask.Anomaly && spec.HasLabel)
        {
            CheckKnownAnomalies(job, spec, rows, positives);
            return;
        }

        if (spec.Task != ModelTask.Binary)
        {
            return;
        }

        long total = rows.Values.Sum();
        long positive = positives.Values.Sum();
        if (positive == 0 || positive == total)
        {
            throw new TrainingException(
                ErrorCode.InsufficientData,
                $"Expected both classes of label '{spec.Label}' (1/true/yes and 0/false/no), but every one of the {total} usable rows of '{job.Dataset}' is {(positive == 0 ? "negative" : "positive")}.");
        }

        foreach (var split in new[] { SplitName.Train, SplitName.Test }.Where(s => rows[s] > 0 || job.Split.Kind != SplitSpec.KFold))
        {
            if (positives[split] == 0 || positives[split] == rows[split])
            {
                throw new TrainingException(
                    ErrorCode.InsufficientData,
                    $"Expected both classes of label '{spec.Label}' in the {split} split, but its {rows[split]} rows are all {(positives[split] == 0 ? "negative" : "positive")} ({positive} positive of {total} in all): add rows of the rarer class.");
            }
        }
    }

    // A labelled anomaly model learns without its labels, but is scored by them: the test split needs known anomalies and normal rows.
    private static void CheckKnownAnomalies(TrainingJob job, TabularSpec spec, Dictionary<string, long> rows, Dictionary<string, long> positives)
    {
        long test = rows[SplitName.Test], known = positives[SplitName.Test];
        if (known == 0 || known == test)
        {
            throw new TrainingException(
                ErrorCode.InsufficientData,
                $"Expected known anomalies (label '{spec.Label}' 1/true/yes) and normal rows in the test split of '{job.Dataset}' to measure the anomaly model, but its {test} rows have {known} known anomalies ({positives.Values.Sum()} in all {rows.Values.Sum()} rows): add labelled anomalies, or leave 'spec.label' out to train unlabeled.");
        }
    }
}
