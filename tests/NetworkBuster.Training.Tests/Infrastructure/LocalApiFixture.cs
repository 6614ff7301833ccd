using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using NetworkBuster.Training.Orchestration;

namespace NetworkBuster.Training.Tests.Infrastructure;

/// <summary>A real Azurite and an in-process local host serving the HTTP API on a free loopback port, per test class.</summary>
public sealed class LocalApiFixture : IAsyncLifetime
{
    public const string Key = "test-key-0123456789abcdef";

    private IHost? _host;

    public AzuriteFixture Azurite { get; } = new();

    public Uri Address { get; private set; } = null!;

    /// <summary>The host's Durable task hub (for <c>nbtrain runs … --task-hub</c>).</summary>
    public string TaskHub { get; } = "nbtestapi" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A client that sends the key in the <c>x-functions-key</c> header.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>A client that sends no key.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        int port = LoopbackPort.Free();
        _host = await Pipeline.StartHostAsync(Azurite.ConnectionString, new Dictionary<string, string?> { ["Training:Http:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Training:Http:Key"] = Key, ["Training:Host:TaskHub"] = TaskHub });
        Address = new Uri($"http://127.0.0.1:{port}/");
        Client = new HttpClient { BaseAddress = Address };
        Client.DefaultRequestHeaders.Add("x-functions-key", Key);
        Anonymous = new HttpClient { BaseAddress = Address };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        Anonymous?.Dispose();
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        await Azurite.DisposeAsync();
    }

    /// <summary>Sends a GET with the key and returns the status and the JSON body.</summary>
    public async Task<(int Status, JsonElement Body)> GetAsync(string path)
    {
        using var response = await Client.GetAsync(new Uri(path, UriKind.Relative));
        return ((int)response.StatusCode, await BodyAsync(response));
    }

    /// <summary>Posts a body with the key and returns the status, the JSON body and the Location header.</summary>
    public async Task<(int Status, JsonElement Body, Uri? Location)> PostAsync(string path, string body)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(new Uri(path, UriKind.Relative), content);
        return ((int)response.StatusCode, await BodyAsync(response), response.Headers.Location);
    }

    public static async Task<JsonElement> BodyAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
