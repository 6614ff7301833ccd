namespace NetworkBuster.Training.Registry;

/// <summary>An operator's request the registry cannot carry out (no such version, nothing to roll back to).</summary>
/// <param name="message">What was asked and why it cannot be done.</param>
public sealed class RegistryException(string message) : Exception(message);
