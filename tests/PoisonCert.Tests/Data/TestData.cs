using System.IO.Compression;
using System.Text;
using PoisonCert.Data;

namespace PoisonCert.Tests.Data;

/// <summary>Access to the repository's data folder and scratch folders for the Data tests.</summary>
internal static class TestData
{
    /// <summary>A registry that ignores POISONCERT_DATA / POISONCERT_CACHE and finds data/ beside PoisonCert.sln.</summary>
    public static DatasetRegistry Registry() => new(useEnvironment: false);

    public static string DataFolder => Registry().DataFolder
        ?? throw new InvalidOperationException("The repository's data/ folder was not found from the test binary's folder.");

    public static string ShippedFile(string name) => Path.Combine(DataFolder, name);

    public static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(content);
        }
        return output.ToArray();
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}

/// <summary>A temporary folder deleted when disposed.</summary>
internal sealed class ScratchFolder : IDisposable
{
    public ScratchFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "poisoncert-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, string text) => Write(name, TestData.Utf8(text));

    public string Write(string name, byte[] bytes)
    {
        string path = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A scratch folder left behind in the temp folder is harmless.
        }
    }
}
