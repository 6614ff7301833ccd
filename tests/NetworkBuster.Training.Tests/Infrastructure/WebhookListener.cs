using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NetworkBuster.Training.Tests.Infrastructure;

/// <summary>A real HTTP listener on a free loopback port that records every POST and answers from a script.</summary>
public sealed class WebhookListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<HttpStatusCode> _answers;
    private readonly Task _loop;

    /// <summary>Starts listening; answers the first requests with <paramref name="answers"/>, then 200.</summary>
    public WebhookListener(params HttpStatusCode[] answers)
    {
        _answers = new ConcurrentQueue<HttpStatusCode>(answers);
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/hook/";
        }

        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>One received request.</summary>
    public sealed record Received(string Method, string? ContentType, string? Signature, string Body, HttpStatusCode Answer, DateTimeOffset At);

    public string Url { get; }

    /// <summary>Every request, in arrival order.</summary>
    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>Waits until <paramref name="done"/> holds for the requests so far.</summary>
    public async Task<List<Received>> WaitAsync(Func<List<Received>, bool> done, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!done([.. Requests]))
        {
            Assert.True(DateTime.UtcNow < until, $"the listener received {Requests.Count} requests: {string.Join(" | ", Requests.Select(r => r.Body))}");
            await Task.Delay(100);
        }

        return [.. Requests];
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var answer = _answers.TryDequeue(out var scripted) ? scripted : HttpStatusCode.OK;
            Requests.Enqueue(new Received(context.Request.HttpMethod, context.Request.ContentType, context.Request.Headers["X-NetworkBuster-Signature"], body, answer, DateTimeOffset.UtcNow));
            context.Response.StatusCode = (int)answer;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
