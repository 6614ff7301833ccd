
namespace NetworkBuster.Training.Tests.Infrastructure;

/// <summary>Where the repository is, from the test binaries.</summary>
public static class Repository
{
    /// <summary>The folder holding NetworkBuster.Training.sln.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetworkBuster.Training.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (NetworkBuster.Training.sln) is not above the test binaries.");
    }
}
