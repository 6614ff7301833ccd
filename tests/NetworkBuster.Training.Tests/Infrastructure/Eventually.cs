
namespace NetworkBuster.Training.Tests.Infrastructure;

/// <summary>The tests' one way to wait for something: poll, bounded, failing with what was awaited.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds, or fails the test after <paramref name="timeout"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var until = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"Expected {what} within {timeout}, but it did not happen.");
            await Task.Delay(50);
        }
    }

    /// <summary>The synchronous-condition form of <see cref="HoldsAsync(Func{Task{bool}}, TimeSpan, string)"/>.</summary>
    public static Task HoldsAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        HoldsAsync(() => Task.FromResult(condition()), timeout, what);
}
