using System.Text.Json;

namespace NetworkBuster.Training.Contracts;

/// <summary>The one set of JSON options for what the pipeline stores (snapshot manifests, schemas, insights): web defaults, camelCase.</summary>
public static class PipelineJson
{
    /// <summary>The options (shared, read-only once first used).</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
