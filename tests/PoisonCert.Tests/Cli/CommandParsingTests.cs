using PoisonCert.Certification;
using PoisonCert.Cli;
using PoisonCert.Cli.Commands;
using PoisonCert.Cli.Engine;
using PoisonCert.Tests.Certification;
using PoisonCert.Tests.Data;
using PoisonCert.Tests.Runs;

namespace PoisonCert.Tests.Cli;

public class CommandParsingTests
{
    private static string Example(string name) => Path.Combine(Examples.Folder, name);

    [Theory]
    [InlineData]
    [InlineData("certify")]
    [InlineData("train")]
    [InlineData("verify")]
    [InlineData("sweep")]
    [InlineData("audit")]
    [InlineData("datasets")]
    [InlineData("datasets", "fetch")]
    public void Help_EveryCommand_PrintsUsageAndSucceeds(params string[] command)
    {
        var run = new CommandRun([.. command, "--help"]);
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("Usage:", run.Output);
        Assert.Null(run.Engine.Request);
    }

    [Fact]
    public void Certify_RunAndOut_PassesBothToTheEngine()
    {
        using var scratch = new ScratchFolder();
        var run = new CommandRun("certify", Example("wdbc.json"), "--out", scratch.Path, "--side-file-threshold", "0", "--no-report");
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var request = Assert.IsType<CertifyRequest>(run.Engine.Request);
        Assert.Equal(Example("wdbc.json"), request.RunFilePath);
        Assert.Equal("wdbc-mlp", request.Run.Name);
        Assert.Equal(scratch.Path, request.OutputFolder);
        Assert.Equal(0, request.SideFileThresholdBytes);
        Assert.False(request.WriteReport);
    }

    [Fact]
    public void Certify_NoRunFile_UsesTheDefaultRunAndFolder()
    {
        var run = new CommandRun("certify");
        var request = Assert.IsType<CertifyRequest>(run.Engine.Request);
        Assert.Null(request.RunFilePath);
        Assert.Equal("wdbc-default", request.Run.Resolve().Name);
        Assert.Equal(Path.Combine("out", "wdbc-default"), request.OutputFolder);
        Assert.Equal(CertificateWriteOptions.DefaultSideFileThreshold, request.SideFileThresholdBytes);
        Assert.True(request.WriteReport);
    }

    [Fact]
    public void Certify_EngineRefuses_ExitCodeIsPassedOn()
    {
        var run = new CommandRun(new RecordingEngine { ExitCode = ExitCodes.Refused }, "certify", Example("heart.json"));
        Assert.Equal(ExitCodes.Refused, run.ExitCode);
    }

    [Fact]
    public void Train_AllOptions_AreParsed()
    {
        using var scratch = new ScratchFolder();
        string data = TestData.ShippedFile("breast_cancer.csv");
        string output = Path.Combine(scratch.Path, "params.json");
        var run = new CommandRun("train", Example("wdbc.json"), "--train-data", data, "--out", output);
        var request = Assert.IsType<TrainRequest>(run.Engine.Request);
        Assert.Equal(data, request.TrainDataPath);
        Assert.Equal(output, request.OutputPath);
    }

    [Fact]
    public void Sweep_Lists_AreParsedInOrder()
    {
        var run = new CommandRun("sweep", Example("wdbc.json"), "--k", "0,1,5,10", "--epsilon", "0.01,0.05");
        var request = Assert.IsType<SweepRequest>(run.Engine.Request);
        Assert.Equal([0, 1, 5, 10], request.Budgets);
        Assert.Equal([0.01, 0.05], request.Epsilons);
        Assert.Equal(Path.Combine("out", "wdbc-mlp-sweep"), request.OutputFolder);
    }

    [Fact]
    public void Audit_RunsAndSeed_AreParsedWithDefaults()
    {
        var defaults = Assert.IsType<AuditRequest>(new CommandRun("audit", Example("iris.json")).Engine.Request);
        Assert.Equal((10, 0UL), (defaults.Runs, defaults.Seed));
        var given = Assert.IsType<AuditRequest>(new CommandRun("audit", Example("iris.json"), "--runs", "3", "--seed", "42").Engine.Request);
        Assert.Equal((3, 42UL), (given.Runs, given.Seed));
    }

    [Fact]
    public void Verify_WrittenCertificate_IsReadAndPassedOn()
    {
        using var scratch = new ScratchFolder();
        CertificateFile certificate = CertificateSamples.FromExample("wdbc.json");
        string path = Path.Combine(scratch.Path, "certificate.json");
        certificate.Write(path);
        string parameters = Path.Combine(scratch.Path, "params.json");
        ParametersFile.FromCertificate(certificate).Write(parameters);
        var run = new CommandRun("verify", path, "--params", parameters);
        var request = Assert.IsType<VerifyRequest>(run.Engine.Request);
        Assert.Equal(certificate.Run.Sha256, request.Certificate.Run.Sha256);
        Assert.Equal(parameters, request.ParametersPath);
    }

    [Fact]
    public void Verify_TruncatedCertificate_IsAnInputError()
    {
        using var scratch = new ScratchFolder();
        string json = CertificateSamples.FromExample("wdbc.json").ToJson();
        string path = scratch.Write("certificate.json", json[..(json.Length / 3)]);
        var run = new CommandRun("verify", path);
        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains("malformed JSON", run.Error);
        Assert.Contains("certificate.json", run.Error);
        Assert.Null(run.Engine.Request);
    }

    [Theory]
    [InlineData("--k", "0,1,x", "sweep", "RUN", "--k", "0,1,x", "--epsilon", "0.01")]
    [InlineData("--k", "-1", "sweep", "RUN", "--k", "0,-1", "--epsilon", "0.01")]
    [InlineData("--k", "without repeats", "sweep", "RUN", "--k", "1,1", "--epsilon", "0.01")]
    [InlineData("--epsilon", "non-negative numbers", "sweep", "RUN", "--k", "1", "--epsilon", "0.01,-0.5")]
    [InlineData("--epsilon", "non-negative numbers", "sweep", "RUN", "--k", "1", "--epsilon", "NaN")]
    [InlineData("--epsilon", "is required", "sweep", "RUN", "--k", "1")]
    [InlineData("--runs", "positive integer", "audit", "RUN", "--runs", "0")]
    [InlineData("--runs", "positive integer", "audit", "RUN", "--runs", "many")]
    [InlineData("--seed", "64-bit", "audit", "RUN", "--seed", "-3")]
    [InlineData("--out", "is required", "train", "RUN")]
    [InlineData("--side-file-threshold", "bytes", "certify", "RUN", "--side-file-threshold", "1MB")]
    [InlineData("--train-data", "no file", "train", "RUN", "--train-data", "/nonexistent.csv", "--out", "x.json")]
    [InlineData("RUN", "no file", "certify", "/nonexistent/run.json")]
    [InlineData("RUN", "missing", "audit")]
    [InlineData("CERTIFICATE", "no file", "verify", "/nonexistent/certificate.json")]
    [InlineData("--bogus", "Unrecognized", "audit", "RUN", "--bogus")]
    public void BadOptionValue_ExitsWithUsageErrorNamingTheOption(string option, string expected, params string[] args)
    {
        string[] resolved = [.. args.Select(arg => arg == "RUN" ? Example("wdbc.json") : arg)];
        var run = new CommandRun(resolved);
        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains(option, run.Error);
        Assert.Contains(expected, run.Error);
        Assert.Null(run.Engine.Request);
    }

    [Fact]
    public void Out_ExistingFile_IsRejectedForFoldersAndExistingFolderForFiles()
    {
        using var scratch = new ScratchFolder();
        string file = scratch.Write("taken.txt", "x");
        var certify = new CommandRun("certify", Example("wdbc.json"), "--out", file);
        Assert.Equal(ExitCodes.UsageError, certify.ExitCode);
        Assert.Contains("--out", certify.Error);
        Assert.Contains("existing file", certify.Error);
        var train = new CommandRun("train", Example("wdbc.json"), "--out", scratch.Path);
        Assert.Equal(ExitCodes.UsageError, train.ExitCode);
        Assert.Contains("existing folder", train.Error);
    }

    [Fact]
    public void Sweep_BudgetAboveBatch_IsAnInputErrorNamingK()
    {
        var run = new CommandRun("sweep", Example("wdbc.json"), "--k", "0,300", "--epsilon", "0.01");
        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains("--k 300", run.Error);
        Assert.Null(run.Engine.Request);
    }

    [Fact]
    public void Certify_InvalidRunFile_IsAnInputErrorWithPathAndPosition()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("bad.json", "{ \"dataset\": { \"name\": \"wdbc\" },\n  \"training\": { \"epochs\": 0 } }");
        var run = new CommandRun("certify", path);
        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains("$.training.epochs (line 2, column 27)", run.Error);
        Assert.Null(run.Engine.Request);
    }

    [Fact]
    public void UnavailableEngine_ValidInput_SaysSoAndRefuses()
    {
        var output = new StringWriter();
        int code = new UnavailableRunEngine().Certify(new CertifyRequest(null, RunCommands.Load(null), "out", 0, true), output, PoisonCert.Cli.Progress.ProgressReporter.Silent);
        Assert.Equal(ExitCodes.Refused, code);
        Assert.Contains("not part of this build", output.ToString());
    }

    [Fact]
    public void Datasets_List_ShowsEveryRegistryDatasetWithShape()
    {
        var run = new CommandRun("datasets");
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        foreach (var entry in PoisonCert.Data.DatasetRegistry.Entries)
        {
            Assert.Contains(entry.Name, run.Output);
        }
        Assert.Matches(@"wdbc\s+yes\s+569\s+30\s+2", run.Output);
        Assert.Matches(@"diabetes\s+yes\s+442\s+10\s+regression", run.Output);
        Assert.Contains("cache folder:", run.Output);
    }
}
