using Microsoft.Extensions.Configuration;
using NetworkBuster.Training.Storage;

namespace NetworkBuster.Training.Tests.Storage;

public class StorageConnectionTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Create_DevelopmentStorage_UsesTheEmulatorEndpoints()
    {
        var clients = StorageConnection.Create(Config(("AzureWebJobsStorage", "UseDevelopmentStorage=true")));

        Assert.Equal(10000, clients.Blobs.Uri.Port);
        Assert.Equal(10001, clients.Queues.Uri.Port);
        Assert.Equal(10002, clients.Tables.Uri.Port);
    }

    [Fact]
    public void Create_AccountNameOnly_UsesIdentityAgainstTheAccountsEndpoints()
    {
        var clients = StorageConnection.Create(Config(("AzureWebJobsStorage:accountName", "nbtrainprod"), ("AzureWebJobsStorage:credential", "managedidentity"), ("AzureWebJobsStorage:clientId", "00000000-0000-0000-0000-000000000001")));

        Assert.Equal("https://nbtrainprod.blob.core.windows.net/", clients.Blobs.Uri.ToString());
        Assert.Equal("https://nbtrainprod.queue.core.windows.net/", clients.Queues.Uri.ToString());
        Assert.Equal("https://nbtrainprod.table.core.windows.net/", clients.Tables.Uri.ToString());
        Assert.False(clients.Blobs.CanGenerateAccountSasUri);
    }

    [Fact]
    public void Create_ServiceUris_UsesEachOne()
    {
        var clients = StorageConnection.Create(Config(
            ("AzureWebJobsStorage:blobServiceUri", "https://b.example.net/"),
            ("AzureWebJobsStorage:queueServiceUri", "https://q.example.net/"),
            ("AzureWebJobsStorage:tableServiceUri", "https://t.example.net/")));

        Assert.Equal("b.example.net", clients.Blobs.Uri.Host);
        Assert.Equal("q.example.net", clients.Queues.Uri.Host);
        Assert.Equal("t.example.net", clients.Tables.Uri.Host);
    }

    [Fact]
    public void Create_NothingConfigured_NamesEveryAcceptedForm()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => StorageConnection.Create(Config()));

        Assert.Contains("UseDevelopmentStorage=true", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AzureWebJobsStorage__accountName", ex.Message, StringComparison.Ordinal);
        Assert.False(StorageConnection.IsConfigured(Config()));
    }

    [Fact]
    public void Create_BlobUriWithoutQueueUri_SaysWhichIsMissing()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => StorageConnection.Create(Config(("AzureWebJobsStorage:blobServiceUri", "https://b.example.net/"))));

        Assert.Contains("queueServiceUri", ex.Message, StringComparison.Ordinal);
    }
}
