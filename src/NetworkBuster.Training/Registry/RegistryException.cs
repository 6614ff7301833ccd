
namespace NetworkBuster.Training.Registry;

/// <summary>An operator's request the registry cannot carry out (nothing to roll back to, blobs already deleted).</summary>
/// <param name="message">What was asked and why it cannot be done.</param>
public class RegistryException(string message) : Exception(message);

/// <summary>What was asked for does not exist: a model, a version, a current version, a run.</summary>
/// <param name="message">What was looked for.</param>
public sealed class NotFoundException(string message) : RegistryException(message);
