
namespace NetworkBuster.Training.Orchestration;

/// <summary>The orchestration's custom status, as the portal and <c>nbtrain runs</c> show it.</summary>
/// <param name="Step">The step in progress (<c>ingest</c>, <c>train</c>, <c>evaluate</c>, <c>register</c>).</param>
/// <param name="Progress">0–100.</param>
/// <param name="Status">The run status (<c>Running</c>, <c>Succeeded</c>, <c>Failed</c>).</param>
public sealed record TrainingStatus(string? Step, int Progress, string Status);
