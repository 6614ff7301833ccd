using System.Text.Json.Nodes;

namespace NetworkBuster.Training.Api;

/// <summary>
/// The API's OpenAPI 3.0 document, served at <c>/api/openapi.json</c> by both hosts (without a key: it describes
/// routes, never data). Paths are relative to the <c>/api</c> server.
/// </summary>
public static class OpenApiDocument
{
    private static readonly Lazy<string> Text = new(Build);

    /// <summary>The document as JSON.</summary>
    public static string Json => Text.Value;

    private static string Build()
    {
        var paths = new JsonObject
        {
            ["/jobs"] = new JsonObject { ["post"] = Operation("submitJob", "Submit a job: the queue message's body (plain JSON or base64). 202 with jobId and statusUrl; 200 when that job id already ended.", body: true, codes: ["200", "202", "400"]) },
            ["/runs"] = new JsonObject { ["get"] = Operation("listRuns", "Runs, newest first.", query: ["model", "status", "top"]) },
            ["/runs/{jobId}"] = new JsonObject { ["get"] = Operation("getRun", "A run: row, step, progress and the Durable instance; for a succeeded run, insights (pending, ready, failed): whether its version's report is prepared yet.", route: ["jobId"], codes: ["200", "400", "404"]) },
            ["/runs/{jobId}/cancel"] = new JsonObject { ["post"] = Operation("cancelRun", "Cancel a pending or running run: Cancelled, instance terminated, staging emptied, no version.", route: ["jobId"], codes: ["200", "400", "404", "409"]) },
            ["/models"] = new JsonObject { ["get"] = Operation("listModels", "Every model and its current version.") },
            ["/models/{model}"] = new JsonObject { ["get"] = Operation("getModel", "A model's versions.", route: ["model"], codes: ["200", "400", "404"]) },
            ["/models/{model}/versions/{version}"] = new JsonObject { ["get"] = Operation("getModelVersion", "A version: lineage, metrics, links to its model and report, and report.state (pending while the report is being prepared after registration, ready, failed) with a message.", route: ["model", "version"], codes: ["200", "400", "404"]) },
            ["/models/{model}/predict"] = new JsonObject { ["post"] = Operation("predict", "Score rows with the current version: body {\"rows\":[{column: value}]}; predictions in row order (score, probability, predicted at the version's threshold). ?top=N ranks a recommender's content for each row's user_id. 400 InvalidRow names the row, column and value; 500 ModelIntegrity when the model blob's hash differs.", body: true, route: ["model"], query: ["top"], codes: ["200", "400", "404", "500"]) },
            ["/models/{model}/versions/{version}/predict"] = new JsonObject { ["post"] = Operation("predictWithVersion", "Score rows with a named version (as /models/{model}/predict).", body: true, route: ["model", "version"], query: ["top"], codes: ["200", "400", "404", "500"]) },
        };
        var document = new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject { ["title"] = "NetworkBuster.Training API", ["version"] = "1" },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/api" }),
            ["security"] = new JsonArray(new JsonObject { ["functionKeyHeader"] = new JsonArray() }, new JsonObject { ["functionKeyQuery"] = new JsonArray() }),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["functionKeyHeader"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "x-functions-key" },
                    ["functionKeyQuery"] = new JsonObject { ["type"] = "apiKey", ["in"] = "query", ["name"] = "code" },
                },
                ["schemas"] = new JsonObject
                {
                    ["Error"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["required"] = new JsonArray("code", "message"),
                        ["properties"] = new JsonObject { ["code"] = new JsonObject { ["type"] = "string" }, ["message"] = new JsonObject { ["type"] = "string" } },
                    },
                },
            },
        };
        return document.ToJsonString();
    }

    private static JsonObject Operation(string id, string summary, bool body = false, string[]? route = null, string[]? query = null, string[]? codes = null)
    {
        var parameters = new JsonArray();
        foreach (var name in route ?? [])
        {
            parameters.Add(new JsonObject { ["name"] = name, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
        }

        foreach (var name in query ?? [])
        {
            parameters.Add(new JsonObject { ["name"] = name, ["in"] = "query", ["required"] = false, ["schema"] = new JsonObject { ["type"] = "string" } });
        }

        var responses = new JsonObject { ["401"] = Response("No key, or a wrong one.", error: true) };
        foreach (var code in codes ?? ["200", "400"])
        {
            responses[code] = Response(code is "200" or "202" ? "OK" : "Error", error: code is not ("200" or "202"));
        }

        var operation = new JsonObject { ["operationId"] = id, ["summary"] = summary, ["parameters"] = parameters, ["responses"] = responses };
        if (body)
        {
            operation["requestBody"] = new JsonObject { ["required"] = true, ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } } } };
        }

        return operation;
    }

    private static JsonObject Response(string description, bool error) => error
        ? new JsonObject { ["description"] = description, ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/Error" } } } }
        : new JsonObject { ["description"] = description, ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } } } };
}
