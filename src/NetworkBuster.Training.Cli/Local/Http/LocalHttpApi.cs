using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NetworkBuster.Training.Cli.Local.Http;

/// <summary>
/// The local host's HTTP API: the Functions app's routes and handlers on <c>http://127.0.0.1:{port}</c> (loopback
/// only), each request checked against the <see cref="ApiKey"/>. Kestrel runs beside the local host and stops with it;
/// the handlers are the host's own services.
/// </summary>
/// <param name="services">The local host's services (the handlers and the Durable client).</param>
/// <param name="options">The port and key settings.</param>
/// <param name="logger">Logger.</param>
public sealed class LocalHttpApi(IServiceProvider services, LocalHttpOptions options, ILogger<LocalHttpApi> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>The API's base address once started (<c>http://127.0.0.1:{port}/</c>).</summary>
    public Uri? Address { get; private set; }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var key = ApiKey.Resolve(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port);
            k.Limits.MaxRequestBodySize = ApiRoutes.MaxBodyBytes;
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, HostedByLocalHost>();
        _app = builder.Build();
        _app.Use((context, next) => context.Request.Path == ApiRoutes.OpenApiPath || key.Matches(context.Request.Headers[ApiKey.Header].FirstOrDefault() ?? context.Request.Query[ApiKey.QueryParameter].FirstOrDefault())
            ? next(context)
            : ApiRoutes.WriteAsync(context, ApiRoutes.Unauthorized(context)));
        ApiRoutes.Map(_app, services);
        await _app.StartAsync(cancellationToken);
        Address = new Uri($"http://127.0.0.1:{options.Port}/");
        logger.LogInformation(
            "HTTP API on {Address}api (send the key in the {Header} header or ?{Query}=; {KeySource})",
            Address, ApiKey.Header, ApiKey.QueryParameter, string.IsNullOrWhiteSpace(options.Key) ? "the key is in " + options.KeyFile : "the key is the Training:Http:Key setting");
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private sealed class HostedByLocalHost : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
