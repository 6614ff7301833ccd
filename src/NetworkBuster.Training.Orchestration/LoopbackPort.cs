using System.Net;
using System.Net.Sockets;

namespace NetworkBuster.Training.Orchestration;

/// <summary>Free loopback ports for the in-process Durable Task sidecar (local engine and the test host).</summary>
public static class LoopbackPort
{
    /// <summary>A port nothing listens on at the moment of the call (the OS picks it).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
