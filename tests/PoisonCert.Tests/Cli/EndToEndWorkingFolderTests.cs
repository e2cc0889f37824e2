using PoisonCert.Cli;
using PoisonCert.Tests.Data;

namespace PoisonCert.Tests.Cli;

/// <summary>Tests that change the process's current folder run alone (no other test runs meanwhile).</summary>
[CollectionDefinition(nameof(WorkingFolderCollection), DisableParallelization = true)]
public sealed class WorkingFolderCollection;

/// <summary><c>poisoncert</c> with no arguments certifies the default run into out/wdbc-default under the current folder.</summary>
[Collection(nameof(WorkingFolderCollection))]
public class EndToEndWorkingFolderTests
{
    [Fact]
    public void Root_NoArguments_CertifiesTheDefaultRunIntoOutUnderTheCurrentFolder()
    {
        using var scratch = new ScratchFolder();
        string previous = Directory.GetCurrentDirectory();
        CliResult result;
        try
        {
            Directory.SetCurrentDirectory(scratch.Path);
            result = RealCli.Expect(ExitCodes.Success);
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
        string folder = Path.Combine(scratch.Path, "out", "wdbc-default");
        Assert.Equal([Path.Combine(scratch.Path, "out")], Directory.GetFileSystemEntries(scratch.Path));
        EndToEndCommandTests.AssertDefaultRunWritten(folder, result, printedFolder: Path.Combine("out", "wdbc-default"));
    }

    [Fact]
    public void Root_Help_SaysThatNoCommandCertifiesTheDefaultRun()
    {
        CliResult result = RealCli.Expect(ExitCodes.Success, "--help");
        string help = System.Text.RegularExpressions.Regex.Replace(result.Output, @"\s+", " "); // the description may be wrapped
        Assert.Contains("Without a command: certifies the default run (WDBC)", help);
    }
}
